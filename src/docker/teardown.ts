// Removes the Docker objects of services, environments and projects that are deleted: only what
// carries Spur's ownership labels, and nothing of any other project or service.
import type { DockerClient } from './client.js';
import { type InstanceRef, MANAGED_LABEL, nextServiceName, swarmServiceName } from './names.js';
import { removeOwnedService } from './swarm.js';
import { ONE_OFF_LABEL, RELEASE_LABEL } from './one-off-spec.js';

const labelFilter = (r: Partial<InstanceRef>) => [
  `${MANAGED_LABEL}=true`,
  ...(r.project ? [`spur.project=${r.project}`] : []),
  ...(r.service ? [`spur.service=${r.service}`] : []),
  ...(r.environment ? [`spur.environment=${r.environment}`] : []),
];

/** Removes the Swarm services of these instances (a canary's or blue-green's new version too),
 *  stops their one-off containers (`spur run`, jobs' runs, pre-deploy commands), and waits (up to
 *  a minute) until their containers are gone, so their images and networks can go too. */
export async function removeInstances(docker: DockerClient, refs: InstanceRef[]): Promise<void> {
  for (const r of refs) {
    await removeOwnedService(docker, swarmServiceName(r));
    await removeOwnedService(docker, nextServiceName(swarmServiceName(r)));
    for (const c of await docker.listContainers({ all: true, filters: { label: labelFilter(r) } })) {
      if (c.Labels?.[ONE_OFF_LABEL] !== undefined || c.Labels?.[RELEASE_LABEL] !== undefined) await docker.getContainer(c.Id).remove({ force: true }).catch(() => {});
    }
  }
  const deadline = Date.now() + 60_000;
  for (const r of refs) {
    while ((await docker.listContainers({ all: true, filters: { label: labelFilter(r) } })).length > 0) {
      if (Date.now() > deadline) throw new Error(`the containers of ${swarmServiceName(r)} did not stop within a minute`);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}

/** Removes these Docker volumes (the ones a service's records name), each only if Spur made it;
 *  their containers must be gone. Not by label: a deleted service of the same project and service
 *  names left volumes with the same labels, and those are its data, not this service's. */
export async function removeOwnedVolumes(docker: DockerClient, names: string[]): Promise<number> {
  let removed = 0;
  for (const name of names) {
    const volume = docker.getVolume(name);
    let labels: Record<string, string> | null | undefined;
    try {
      labels = ((await volume.inspect()) as { Labels?: Record<string, string> | null }).Labels;
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) continue;
      throw err;
    }
    if (labels?.[MANAGED_LABEL] !== 'true') continue;
    await volume.remove();
    removed++;
  }
  return removed;
}

/** Removes the images Spur built for a service (or for every service of a project). */
export async function removeOwnedImages(docker: DockerClient, owner: { project: string; service?: string }): Promise<number> {
  const images = await docker.listImages({ filters: { label: labelFilter(owner) } });
  for (const image of images) await docker.getImage(image.Id).remove({ force: true });
  return images.length;
}

/** Removes an overlay network Spur made (a project-environment network); absent is fine. */
export async function removeOwnedNetwork(docker: DockerClient, name: string): Promise<void> {
  const [network] = await docker.listNetworks({ filters: { name: [name], label: [`${MANAGED_LABEL}=true`] } });
  if (!network || network.Name !== name) return;
  for (let attempt = 0; ; attempt++) {
    try {
      await docker.getNetwork(network.Id).remove();
      return;
    } catch (err) {
      // A task just stopped may still hold its endpoint for a moment.
      if (attempt >= 20) throw err;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
