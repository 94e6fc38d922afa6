// An image stream from another server's Docker is loaded only when it names exactly the image
// expected: crafted `docker save` streams that also (or instead) tag base images or Spur's own
// images are refused before the receiving daemon sees any name.
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Docker from 'dockerode';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { ShipFailed, expectedNames, shipImage } from './ship-image.js';

const hex = (s: string) => createHash('sha256').update(s).digest('hex');
const IMAGE = 'spur/shop/web:d42';
const layerDir = hex('layer dir');
const configJson = JSON.stringify({ rootfs: { type: 'layers', diff_ids: [`sha256:${hex('layer')}`] } });
const imageId = `sha256:${hex(configJson)}`;

type Entry = { name: string; content?: string; type?: 'file' | 'directory' | 'symlink'; linkname?: string };

/** A `docker save` stream as Docker 20.10 writes it, with the naming files replaced as given. */
function saved(names: { manifest?: unknown; repositories?: unknown; index?: unknown; extra?: Entry[] } = {}): Entry[] {
  const entries: Entry[] = [
    { name: `${layerDir}/`, type: 'directory' },
    { name: `${layerDir}/VERSION`, content: '1.0' },
    { name: `${layerDir}/json`, content: JSON.stringify({ id: layerDir }) },
    { name: `${layerDir}/layer.tar`, content: 'layer' },
    { name: `${imageId.slice(7)}.json`, content: configJson },
    { name: 'manifest.json', content: JSON.stringify(names.manifest ?? [{ Config: `${imageId.slice(7)}.json`, RepoTags: [IMAGE], Layers: [`${layerDir}/layer.tar`] }]) },
    { name: 'repositories', content: JSON.stringify(names.repositories ?? { 'spur/shop/web': { d42: layerDir } }) },
  ];
  if (names.index) entries.push({ name: 'index.json', content: JSON.stringify(names.index) }, { name: 'oci-layout', content: '{"imageLayoutVersion":"1.0.0"}' });
  return [...entries, ...(names.extra ?? [])];
}

function packed(entries: Entry[]): Readable {
  const pack = tar.pack();
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname }, e.type === 'file' || !e.type ? e.content ?? '' : undefined);
  pack.finalize();
  return pack as unknown as Readable;
}

/** The build server's Docker, answering the crafted stream for the image. */
const buildServer = (entries: Entry[]) => ({
  getImage: () => ({ inspect: async () => ({ Id: imageId, RootFS: { Layers: [`sha256:${hex('layer')}`] } }), get: async () => packed(entries) }),
}) as unknown as Docker;

/** The manager's Docker: records the names of what `docker load` received, and the tags that
 *  a manifest.json in it would have given. */
function manager() {
  const received: { names: string[]; tags: string[] } = { names: [], tags: [] };
  const docker = {
    listImages: async () => [],
    getImage: (name: string) => ({ inspect: async () => (received.tags.includes(name) ? { Id: imageId } : Promise.reject(Object.assign(new Error('no such image'), { statusCode: 404 }))) }),
    loadImage: async (upload: Readable) => {
      const extract = tar.extract();
      extract.on('entry', (header, stream, next) => {
        received.names.push(header.name);
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
          if (header.name === 'manifest.json') received.tags.push(...(JSON.parse(Buffer.concat(chunks).toString()) as { RepoTags?: string[] }[]).flatMap((m) => m.RepoTags ?? []));
          next();
        });
      });
      await pipeline(upload, extract);
      const answer = new PassThrough();
      answer.end('{"stream":"Loaded image"}\n');
      return answer;
    },
  } as unknown as Docker;
  return { docker, received };
}

const ship = async (entries: Entry[]) => {
  const to = manager();
  const outcome = await shipImage(buildServer(entries), to.docker, IMAGE, tmpdir()).catch((err: Error) => err);
  return { outcome, received: to.received };
};

describe('loading an image sent by another server', () => {
  it('loads a stream that names exactly the image expected', async () => {
    const { outcome, received } = await ship(saved());
    expect(outcome).toEqual({ sent: true, layers: 1, skipped: 0 });
    expect(received.tags).toEqual([IMAGE]);
    expect(received.names).toContain('repositories');
  });

  const refused: [string, Entry[]][] = [
    ['a manifest retagging a base image', saved({ manifest: [{ Config: `${imageId.slice(7)}.json`, RepoTags: ['node:22-slim'], Layers: [`${layerDir}/layer.tar`] }] })],
    ["a second tag in Spur's own namespace", saved({ manifest: [{ Config: `${imageId.slice(7)}.json`, RepoTags: [IMAGE, 'spur/x/y:z'], Layers: [`${layerDir}/layer.tar`] }] })],
    ['a second manifest entry', saved({ manifest: [{ Config: `${imageId.slice(7)}.json`, RepoTags: [IMAGE], Layers: [`${layerDir}/layer.tar`] }, { Config: `${imageId.slice(7)}.json`, RepoTags: ['postgres:17'], Layers: [`${layerDir}/layer.tar`] }] })],
    ['a repositories file naming another image', saved({ repositories: { 'spur/shop/web': { d42: layerDir }, node: { '24-slim': layerDir } } })],
    ['an OCI index naming another reference', saved({ index: { schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: `sha256:${hex('m')}`, size: 1, annotations: { 'io.containerd.image.name': 'docker.io/library/node:22-slim', 'org.opencontainers.image.ref.name': '22-slim' } }] } })],
    ['a second manifest.json under another spelling', saved({ extra: [{ name: './manifest.json', content: JSON.stringify([{ Config: `${imageId.slice(7)}.json`, RepoTags: ['node:22-slim'], Layers: [] }]) }] })],
    ['a repositories file after the first', saved({ extra: [{ name: 'repositories', content: JSON.stringify({ node: { '22-slim': layerDir } }) }] })],
    ['a symlink out of the image', saved({ extra: [{ name: `${hex('x')}/layer.tar`, type: 'symlink', linkname: '/etc/passwd' }] })],
  ];
  for (const [what, entries] of refused) {
    it(`refuses ${what}, the daemon seeing no name at all`, async () => {
      const { outcome, received } = await ship(entries);
      expect(outcome).toBeInstanceOf(ShipFailed);
      expect((outcome as Error).message).toMatch(/^the image stream /);
      expect(received.tags).toEqual([]);
      expect(received.names).not.toContain('manifest.json');
      expect(received.names).not.toContain('repositories');
      expect(received.names).not.toContain('index.json');
    });
  }
});

describe('the names an image stream may give', () => {
  it("are the reference's own, as docker save writes them", () => {
    expect(expectedNames('spur/shop/web:d42')).toEqual({ repo: 'spur/shop/web', tag: 'd42', full: 'docker.io/spur/shop/web:d42' });
    expect(expectedNames('nginx')).toEqual({ repo: 'nginx', tag: 'latest', full: 'docker.io/library/nginx:latest' });
    expect(expectedNames('docker.io/library/node:24-slim')).toEqual({ repo: 'node', tag: '24-slim', full: 'docker.io/library/node:24-slim' });
    expect(expectedNames('localhost:5000/app:v1')).toEqual({ repo: 'localhost:5000/app', tag: 'v1', full: 'localhost:5000/app:v1' });
    expect(expectedNames(`ghcr.io/org/app@sha256:${hex('d')}`)).toEqual({ repo: 'ghcr.io/org/app', tag: undefined, full: undefined });
  });
});
