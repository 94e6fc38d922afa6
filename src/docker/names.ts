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

/** A canary's or blue-green's new version beside the instance's service (routing/traffic-split.ts):
 *  an instance's name has four parts and no part holds `_`, so no instance or database is named so;
 *  the longest instance name (59 characters) stays within Swarm's 63 with it. */
export const nextServiceName = (name: string) => `${name}_new`;

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

/** The first label an instance's generated domain would like: `<service>-<project>[-<environment>]`
 *  (production has no suffix). Hyphens make it ambiguous (`shop-staging`/`web` and `shop`/`web`
 *  in `staging`), so the store assigns it once, suffixed `-2`, `-3` … when taken. */
export function wantedDomainLabel(r: InstanceRef): string {
  const suffix = r.environment === 'production' ? '' : `-${r.environment}`;
  return `${r.service}-${r.project}${suffix}`;
}

export const generatedDomain = (label: string, baseDomain: string) => `${label}.${baseDomain}`;

/** True when `host` is `base` or a name below it. */
export const isUnderDomain = (host: string, base: string) => host === base || host.endsWith(`.${base}`);
