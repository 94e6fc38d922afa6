// Images reach the other servers without a registry: exported by one server's Docker, loaded by
// another's through the SSH connection (the manager's to a server before a rollout, the build
// server's to the manager after a build). When the server already holds
// some of the image's layers (its base image, an earlier version), those are left out of what is
// sent: `docker load` skips a layer whose stack it has without opening its file. Every stream is
// checked on its way (image-stream.ts): it names exactly the image sent, and its naming files
// reach the daemon only after that check, at the end.
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { StreamRefused, checkNames, entryKind } from './image-stream.js';

export { expectedNames } from './image-stream.js';

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

/** Loads the image into `to` from `from` unless `to` has the very same one. */
export async function shipImage(from: Docker, to: Docker, image: string, spoolDir: string): Promise<ShipOutcome> {
  const wanted = await from.getImage(image).inspect();
  const there = await to.getImage(image).inspect().then((i) => i.Id, () => undefined);
  if (there === wanted.Id) return { sent: false };
  const layers = wanted.RootFS?.Layers ?? [];
  const stacks = await stacksOn(to);
  const chain = chainIds(layers);
  // What the server holds is a bottom part of the stack: a stack held means every one below it is.
  const heldCount = chain.findIndex((c) => !stacks.has(c));
  const held = layers.slice(0, heldCount < 0 ? layers.length : heldCount);
  const exported = (await from.getImage(image).get()) as Readable;
  const upload = checkedExport(exported, { image, imageId: wanted.Id, held, spoolDir });
  let refused: Error | undefined;
  upload.on('error', (err) => (refused ??= err));
  await load(to, upload).catch((err: Error) => {
    throw refused instanceof StreamRefused ? new ShipFailed(refused.message) : err;
  });
  if (refused) throw new ShipFailed(refused.message);
  const loaded = await to.getImage(image).inspect().then((i) => i.Id, () => undefined);
  if (loaded !== wanted.Id) throw new ShipFailed(`the server does not show ${image} after loading it`);
  return { sent: true, layers: layers.length, skipped: held.length };
}

async function load(to: Docker, upload: Readable): Promise<void> {
  const answer = await to.loadImage(upload);
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

/** Only the fields `docker load` reads, written anew: nothing of the sender's header (pax
 *  records, owners) reaches the daemon unread. */
const plain = (h: tar.Headers): tar.Headers => ({ name: h.name, type: h.type, size: h.size, mode: h.mode, mtime: h.mtime, ...(h.linkname ? { linkname: h.linkname } : {}) });
const OCI_BLOB = /^blobs\/sha256\/([0-9a-f]{64})$/;
const LEGACY_LAYER = /^([0-9a-f]{64})\/layer\.tar$/;
const LEGACY_JSON = /^([0-9a-f]{64})\/json$/;

/** The exported image tar again, streamed, holding only what `docker save` writes for one image
 *  and naming only `image` (else it ends in a StreamRefused error, before any naming file was
 *  sent: those wait in memory until the end and are checked then), without the layers the server
 *  holds (the first `held` of the image's layers). An OCI export names each layer blob by its digest; the older
 *  export names layer directories by v1 ids, and a layer's depth is known from its directory's
 *  `json` (its parent) once its ancestors' have been read: a layer that comes before them waits
 *  on disk in `spoolDir` until the end. `docker load` reads the whole tar before it looks at
 *  any file, so the order of what is sent does not matter. */
export function checkedExport(exported: Readable, opts: { image: string; imageId: string; held: string[]; spoolDir: string }): Readable {
  const { held, spoolDir } = opts;
  const heldDigests = new Set(held);
  const seen = new Set<string>();
  const naming = new Map<string, Buffer>();
  const parents = new Map<string, string | null>();
  const depthOf = (dir: string): number | undefined => {
    let depth = 0;
    for (let at: string | null | undefined = dir; ; depth++) {
      if (!parents.has(at!)) return undefined;
      at = parents.get(at!);
      if (at === null) return depth;
    }
  };
  let dir: string | undefined;
  const waiting: { header: tar.Headers; file: string; layerDir: string }[] = [];
  const pack = tar.pack();
  const extract = tar.extract();
  const skip = (stream: Readable, next: () => void) => stream.on('end', next).resume();
  const send = (header: tar.Headers, stream: Readable, next: (err?: Error) => void) => void pipeline(stream, pack.entry(plain(header))).then(() => next(), next);
  const readSmall = (header: tar.Headers, stream: Readable, then: (data: Buffer) => void) => {
    if ((header.size ?? 0) > IN_MEMORY) return fail(new StreamRefused(`the image stream has a ${header.name} of ${header.size} bytes`));
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => then(Buffer.concat(chunks)));
  };
  extract.on('entry', (header, stream, next) => {
    let kind: 'naming' | 'file';
    try {
      kind = entryKind(header);
      if (seen.has(header.name.replace(/\/$/, ''))) throw new StreamRefused(`the image stream holds ${header.name} twice`);
    } catch (err) {
      return fail(err as Error);
    }
    seen.add(header.name.replace(/\/$/, ''));
    if (kind === 'naming') return readSmall(header, stream, (data) => (naming.set(header.name, data), next()));
    const oci = OCI_BLOB.exec(header.name);
    if (oci && heldDigests.has(`sha256:${oci[1]}`)) return skip(stream, next);
    const layer = LEGACY_LAYER.exec(header.name);
    if (layer) {
      const depth = depthOf(layer[1]!);
      if (depth !== undefined) return depth < held.length ? skip(stream, next) : send(header, stream, next);
      void (async () => {
        dir ??= (await mkdir(spoolDir, { recursive: true, mode: 0o700 }), await mkdtemp(join(spoolDir, 'ship-')));
        const file = join(dir, String(waiting.length));
        await pipeline(stream, createWriteStream(file));
        waiting.push({ header, file, layerDir: layer[1]! });
      })().then(() => next(), next);
      return;
    }
    const json = LEGACY_JSON.exec(header.name);
    if (!json || (header.size ?? 0) > IN_MEMORY) return send(header, stream, next);
    readSmall(header, stream, (data) => {
      try {
        parents.set(json[1]!, (JSON.parse(data.toString('utf8')) as { parent?: string }).parent ?? null);
      } catch {}
      pack.entry(plain(header), data, next);
    });
  });
  extract.on('finish', () => {
    void (async () => {
      try {
        checkNames(naming, opts.image, opts.imageId);
        for (const w of waiting) {
          const depth = depthOf(w.layerDir);
          if (depth === undefined || depth >= held.length) await pipeline(createReadStream(w.file), pack.entry(plain(w.header)));
        }
        for (const [name, data] of naming) await new Promise<void>((resolve, reject) => pack.entry({ name, size: data.length, mode: 0o644 }, data, (err) => (err ? reject(err) : resolve())));
      } finally {
        if (dir) await rm(dir, { recursive: true, force: true });
      }
      pack.finalize();
    })().catch((err: Error) => pack.destroy(err));
  });
  function fail(err: Error) {
    pack.destroy(err);
    extract.destroy();
    exported.destroy();
    if (dir) void rm(dir, { recursive: true, force: true });
  }
  extract.on('error', fail);
  exported.on('error', fail);
  exported.pipe(extract);
  return pack as unknown as Readable;
}
