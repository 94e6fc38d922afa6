// Pushing an image to a registry the user named, for nodes to pull instead of Spur sending it.
import type { DockerClient } from './client.js';
import type { RegistryAuth } from './swarm.js';

/** The image's reference under the registry: `<address>/<repository>:<tag>`. Pure. */
export const registryReference = (address: string, image: string) => `${address}/${image}`;

/** The registry server's own address (host[:port]), what `docker login` and the daemon's auth use. */
export const registryServer = (address: string) => address.split('/')[0]!;

export async function checkRegistryLogin(docker: DockerClient, auth: RegistryAuth): Promise<void> {
  await docker.checkAuth(auth);
}

/** Tags the local image with its registry reference and pushes it; the push's own error, if any. */
export async function pushImage(docker: DockerClient, image: string, reference: string, auth: RegistryAuth): Promise<void> {
  const colon = reference.lastIndexOf(':');
  await docker.getImage(image).tag({ repo: reference.slice(0, colon), tag: reference.slice(colon + 1) });
  const stream = await docker.getImage(reference).push({ authconfig: auth });
  const failure = await new Promise<string | undefined>((resolve, reject) => {
    let error: string | undefined;
    let rest = '';
    stream.on('data', (chunk: Buffer) => {
      const lines = (rest + chunk.toString('utf8')).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) {
        try {
          const m = JSON.parse(line) as { error?: string };
          if (m.error) error = m.error;
        } catch {}
      }
    });
    stream.on('end', () => resolve(error));
    stream.on('error', reject);
  });
  if (failure) throw new Error(`pushing to ${registryServer(reference)} failed: ${failure}`);
}
