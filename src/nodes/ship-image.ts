// Images reach the other servers without a registry: the manager's image, exported by its
// Docker, loaded by the server's Docker through the SSH connection.
import type Docker from 'dockerode';

export class ShipFailed extends Error {}

/** Loads the image on the server unless it has the very same one; answers what happened. */
export async function shipImage(local: Docker, remote: Docker, image: string): Promise<'present' | 'sent'> {
  const wanted = (await local.getImage(image).inspect()).Id;
  const there = await remote.getImage(image).inspect().then((i) => i.Id, () => undefined);
  if (there === wanted) return 'present';
  const exported = await local.getImage(image).get();
  const answer = await remote.loadImage(exported);
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    answer.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    answer.on('end', () => resolve(text));
    answer.on('error', reject);
    exported.on('error', reject);
  });
  const failure = output.split('\n').map((line) => { try { return JSON.parse(line) as { error?: string }; } catch { return {}; } }).find((m) => m.error);
  if (failure) throw new ShipFailed(failure.error);
  const loaded = await remote.getImage(image).inspect().then((i) => i.Id, () => undefined);
  if (loaded !== wanted) throw new ShipFailed(`the server does not show ${image} after loading it`);
  return 'sent';
}
