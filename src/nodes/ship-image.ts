// Images reach the other servers without a registry: the manager's image, exported by its
// Docker, loaded by the server's Docker through the SSH connection. When the server already holds
// some of the image's layers (its base image, an earlier version), those are left out of what is
// sent: `docker load` skips a layer whose stack it has without opening its file.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';

export class ShipFailed extends Error {}

export type ShipOutcome = { sent: false } | { sent: true; layers: number; skipped: number };

/** Chain IDs of a layer stack, as the Docker daemon names what it stores. Pure. */
export function chainIds(diffIds: string[]): string[] {
  const chain: string[] = [];
  for (const diff of diffIds) {
    const last = chain.at(-1);
    chain.push(last ? `sha256:${createHash('sha256').update(`${last} ${diff}`).digest('hex')}` : diff);
  }
  return chain;
}

/** Every layer stack the server's images hold. */
async function stacksOn(docker: Docker): Promise<Set<string>> {
  const stacks = new Set<string>();
  const images = await docker.listImages();
  await Promise.all(images.map(async (i) => {
    const layers = await docker.getImage(i.Id).inspect().then((d) => d.RootFS?.Layers ?? [], () => []);
    for (const c of chainIds(layers)) stacks.add(c);
  }));
  return stacks;
}

/** Loads the image on the server unless it has the very same one. */
export async function shipImage(local: Docker, remote: Docker, image: string, spoolDir: string): Promise<ShipOutcome> {
  const wanted = await local.getImage(image).inspect();
  const there = await remote.getImage(image).inspect().then((i) => i.Id, () => undefined);
  if (there === wanted.Id) return { sent: false };
  const layers = wanted.RootFS?.Layers ?? [];
  const stacks = await stacksOn(remote);
  const chain = chainIds(layers);
  const held = new Set(layers.filter((_, i) => stacks.has(chain[i]!)));
  const exported = (await local.getImage(image).get()) as Readable;
  const upload = held.size ? await withoutLayers(exported, held, spoolDir) : exported;
  await load(remote, upload);
  const loaded = await remote.getImage(image).inspect().then((i) => i.Id, () => undefined);
  if (loaded !== wanted.Id) throw new ShipFailed(`the server does not show ${image} after loading it`);
  return { sent: true, layers: layers.length, skipped: held.size };
}

async function load(remote: Docker, upload: Readable): Promise<void> {
  const answer = await remote.loadImage(upload);
  const output = await new Promise<string>((resolve, reject) => {
    let text = '';
    answer.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    answer.on('end', () => resolve(text));
    answer.on('error', reject);
    upload.on('error', reject);
  });
  const failure = output.split('\n').map((line) => { try { return JSON.parse(line) as { error?: string }; } catch { return {}; } }).find((m) => m.error);
  if (failure) throw new ShipFailed(failure.error);
}

const IN_MEMORY = 1024 * 1024;

/** The exported image tar again, without the files whose content is one of `held` (layers, by
 *  their uncompressed digest). Which file is which layer is known only once each is read, so
 *  large files wait on disk in `spoolDir`, never whole in memory. */
async function withoutLayers(exported: Readable, held: Set<string>, spoolDir: string): Promise<Readable> {
  await mkdir(spoolDir, { recursive: true, mode: 0o700 });
  const dir = await mkdtemp(join(spoolDir, 'ship-'));
  const entries: { header: tar.Headers; data?: Buffer; file?: string; digest: string }[] = [];
  const extract = tar.extract();
  extract.on('entry', (header, stream, next) => {
    const hash = createHash('sha256');
    if (header.type !== 'file' || (header.size ?? 0) <= IN_MEMORY) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => (chunks.push(c), hash.update(c)));
      stream.on('end', () => (entries.push({ header, data: Buffer.concat(chunks), digest: `sha256:${hash.digest('hex')}` }), next()));
      stream.on('error', next);
      return;
    }
    const file = join(dir, String(entries.length));
    stream.on('data', (c: Buffer) => hash.update(c));
    pipeline(stream, createWriteStream(file)).then(() => (entries.push({ header, file, digest: `sha256:${hash.digest('hex')}` }), next()), next);
  });
  try {
    await pipeline(exported, extract);
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
  const pack = tar.pack();
  const out = new PassThrough();
  pack.pipe(out);
  void (async () => {
    try {
      for (const e of entries) {
        if (e.header.type === 'file' && held.has(e.digest)) continue;
        if (e.file) {
          const sink = pack.entry(e.header);
          await pipeline(createReadStream(e.file), sink);
        } else {
          await new Promise<void>((resolve, reject) => pack.entry(e.header, e.data, (err) => (err ? reject(err) : resolve())));
        }
      }
      pack.finalize();
    } catch (err) {
      out.destroy(err as Error);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  })();
  return out;
}
