import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import tar from 'tar-stream';
import { describe, expect, it } from 'vitest';
import { chainIds, checkedExport } from './ship-image.js';

const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('layer chain IDs', () => {
  it('are the first layer, then each digest of the stack below and the layer (the OCI image spec)', () => {
    const [a, b, c] = [sha('a'), sha('b'), sha('c')];
    const ab = sha(`${a} ${b}`);
    expect(chainIds([])).toEqual([]);
    expect(chainIds([a])).toEqual([a]);
    expect(chainIds([a, b, c])).toEqual([a, ab, sha(`${ab} ${c}`)]);
  });

  it('tells stacks apart that share a layer at another depth', () => {
    const [a, b] = [sha('a'), sha('b')];
    expect(chainIds([b, a])[1]).not.toBe(chainIds([a, b])[1]);
  });
});

describe('an export without the layers a server holds', () => {
  const names = async (stream: NodeJS.ReadableStream) => {
    const seen: string[] = [];
    const extract = tar.extract();
    extract.on('entry', (header, s, next) => (seen.push(header.name), s.on('end', next).resume()));
    await pipeline(stream as Readable, extract);
    return seen.sort();
  };
  const exported = (entries: [string, string][]) => {
    const pack = tar.pack();
    for (const [name, content] of entries) pack.entry({ name }, content);
    pack.finalize();
    return pack as unknown as Readable;
  };
  // Layer directories in name order, as the older export writes them: the top layer ("0…")
  // comes before its parent, the base ("f…"), so its depth is known only at the end.
  const top = '0'.repeat(64);
  const base = 'f'.repeat(64);
  const config = 'c'.repeat(64);
  const image = 'spur/shop/web:d1';
  const withoutLayers = (stream: Readable, held: string[], spoolDir: string) => checkedExport(stream, { image, imageId: `sha256:${config}`, held, spoolDir });
  const legacy = () => exported([
    [`${top}/VERSION`, '1.0'], [`${top}/json`, JSON.stringify({ id: top, parent: base })], [`${top}/layer.tar`, 'top layer'],
    [`${base}/VERSION`, '1.0'], [`${base}/json`, JSON.stringify({ id: base })], [`${base}/layer.tar`, 'base layer'],
    ['manifest.json', JSON.stringify([{ Config: `${config}.json`, RepoTags: [image], Layers: [`${base}/layer.tar`, `${top}/layer.tar`] }])], ['repositories', JSON.stringify({ 'spur/shop/web': { d1: top } })],
  ]);

  it('leaves out the held bottom layers of an older export, whatever order they come in', async () => {
    const spool = mkdtempSync(join(tmpdir(), 'spur-ship-test-'));
    expect(await names(withoutLayers(legacy(), [sha('base layer')], spool))).toEqual([`${base}/VERSION`, `${base}/json`, `${top}/VERSION`, `${top}/json`, `${top}/layer.tar`, 'manifest.json', 'repositories'].sort());
    expect(await names(withoutLayers(legacy(), [sha('base layer'), sha('top layer')], spool))).not.toContain(`${top}/layer.tar`);
    expect(readdirSync(spool)).toEqual([]);
  });

  it('leaves out held blobs of an OCI export by their names', async () => {
    const blob = (content: string) => `blobs/sha256/${sha(content).slice('sha256:'.length)}`;
    const manifest = JSON.stringify([{ Config: `blobs/sha256/${config}`, RepoTags: [image], Layers: [blob('base layer'), blob('top layer')] }]);
    const index = JSON.stringify({ schemaVersion: 2, manifests: [{ annotations: { 'io.containerd.image.name': 'docker.io/spur/shop/web:d1', 'org.opencontainers.image.ref.name': 'd1' } }] });
    const oci = exported([[blob('base layer'), 'base layer'], [blob('top layer'), 'top layer'], ['index.json', index], ['manifest.json', manifest]]);
    expect(await names(withoutLayers(oci, [sha('base layer')], tmpdir()))).toEqual([blob('top layer'), 'index.json', 'manifest.json'].sort());
  });
});
