// Names and ownership labels of every Docker object Spur makes. Pure. Names never change once
// shipped: Spur finds its objects again by them and by the `spur.managed` label.

export const EDGE_NETWORK = 'spur-edge';
export const MANAGED_LABEL = 'spur.managed';
/** Which Spur installation made a service: Spur only ever removes its own. */
export const INSTALL_LABEL = 'spur.install';

export interface InstanceRef {
  project: string;
  service: string;
  environment: string;
}

/** Swarm service of one (service, environment). `_` cannot appear in resource names, so the
 *  parts cannot run into each other; validated name lengths keep this within 63 characters. */
export const swarmServiceName = (r: InstanceRef) => `spur_${r.project}_${r.service}_${r.environment}`;

/** Overlay network shared by the services of one project-environment. */
export const projectNetworkName = (r: { project: string; environment: string }) => `spur_${r.project}_${r.environment}`;

/** The Docker Hub namespace of the images Spur builds; no user-supplied reference may name it. */
export const SPUR_IMAGE_NAMESPACE = 'spur';

/** `spur/<project>/<service>`: `/` cannot appear in names, so two services never share one. */
export const imageRepository = (r: { project: string; service: string }) => `${SPUR_IMAGE_NAMESPACE}/${r.project}/${r.service}`;

/** The tag of a deployment's image. The random part makes it unguessable, so no reference to it
 *  can be written by someone who has not been shown it. */
export const imageTag = (r: { project: string; service: string }, deploymentId: number, nonce: string) => `${imageRepository(r)}:${deploymentId}-${nonce}`;

export function ownershipLabels(r: Partial<InstanceRef> & { deploymentId?: number }): Record<string, string> {
  const labels: Record<string, string> = { [MANAGED_LABEL]: 'true' };
  if (r.project) labels['spur.project'] = r.project;
  if (r.service) labels['spur.service'] = r.service;
  if (r.environment) labels['spur.environment'] = r.environment;
  if (r.deploymentId !== undefined) labels['spur.deployment'] = String(r.deploymentId);
  return labels;
}

/** The generated public domain: `<service>-<project>[-<environment>].<base>`; production has no suffix. */
export function generatedDomain(r: InstanceRef, baseDomain: string): string {
  const suffix = r.environment === 'production' ? '' : `-${r.environment}`;
  return `${r.service}-${r.project}${suffix}.${baseDomain}`;
}
