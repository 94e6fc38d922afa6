import { describe, expect, it } from 'vitest';
import type { DockerClient } from '../docker/client.js';
import { checkBaseImages } from './base-images.js';

interface FakeImage {
  Id: string;
  Config: { Labels?: Record<string, string>; OnBuild?: string[] | null };
}

/** A daemon holding `images` by name and by id prefix, as Docker resolves them; `registry` holds
 *  what a pull brings. Records the pulls. */
function fakeDocker(images: Record<string, FakeImage>, registry: Record<string, FakeImage> = {}) {
  const pulls: string[] = [];
  const resolve = (ref: string) => images[ref] ?? Object.values(images).find((i) => /^[0-9a-f]+$/.test(ref) && i.Id.startsWith(`sha256:${ref}`));
  const docker = {
    getImage: (ref: string) => ({
      inspect: async () => {
        const image = resolve(ref);
        if (!image) throw Object.assign(new Error(`No such image: ${ref}`), { statusCode: 404 });
        return image;
      },
    }),
    pull: (ref: string, cb: (err: Error | null, stream?: unknown) => void) => {
      pulls.push(ref);
      if (!registry[ref]) return cb(Object.assign(new Error(`pull access denied for ${ref}`), { statusCode: 404 }));
      images[ref] = registry[ref];
      cb(null, {});
    },
    modem: { followProgress: (_stream: unknown, done: (err: Error | null) => void) => done(null) },
  };
  return { docker: docker as unknown as DockerClient, pulls };
}

const victimId = `sha256:${'ab12cd34'.padEnd(64, '0')}`;
const victim: FakeImage = { Id: victimId, Config: { Labels: { 'spur.managed': 'true', 'spur.project': 'victim' } } };
const node: FakeImage = { Id: `sha256:${'9'.repeat(64)}`, Config: { Labels: {}, OnBuild: null } };
const daemon = () => fakeDocker({ 'spur/victim/web:3-0123456789ab': victim, 'node:22': node, 'myapp:latest': victim });
const check = (dockerfileText: string, buildArgs: Record<string, string> = {}, docker = daemon().docker) => checkBaseImages(docker, { dockerfileText, buildArgs });

describe('checkBaseImages', () => {
  it('refuses a build variable that names another project\'s image by its tag', async () => {
    await expect(check('ARG B\nFROM $B\nRUN cat /secret.txt\n', { B: 'spur/victim/web:3-0123456789ab' })).rejects.toThrow(/^Dockerfile line 2: spur\/victim\/web:3-0123456789ab is in Spur's own image namespace .* \(\$B with this build's values\)$/);
  });
  it('refuses a build variable that names it by an id prefix, over the ARG\'s default', async () => {
    await expect(check('ARG B=node:22\nFROM $B\n', { B: 'ab12cd' })).rejects.toThrow(/^Dockerfile line 2: ab12cd looks like an image id.* \(\$B with this build's values\)$/);
  });
  it('refuses a name the daemon resolves to an image Spur built (a retag)', async () => {
    await expect(check('ARG B\nFROM ${B}\n', { B: 'myapp:latest' })).rejects.toThrow(/myapp:latest is an image Spur built/);
    await expect(check('FROM node:22\nCOPY --from=myapp:latest / /loot\n')).rejects.toThrow(/^Dockerfile line 2: myapp:latest is an image Spur built/);
  });
  it('refuses a reference that is empty with the build\'s values', async () => {
    await expect(check('ARG B\nFROM $B\n')).rejects.toThrow(/^Dockerfile line 2: FROM names no image: \$B is empty/);
    await expect(check('ARG B=node:22\nFROM $B\n', { B: '' })).rejects.toThrow(/names no image/);
  });
  it('refuses a reference outside Docker\'s grammar', async () => {
    await expect(check('ARG B\nFROM $B\n', { B: 'Node:22 AS x' })).rejects.toThrow(/is not a valid image reference/);
  });
  it('lets a build variable name a public image, and FROM scratch', async () => {
    await expect(check('ARG B=node:20\nFROM $B\nFROM scratch\n', { B: 'node:22' })).resolves.toBeUndefined();
  });
  it('pulls a base image it does not have and refuses the Spur image one of its ONBUILD triggers names', async () => {
    const evil: FakeImage = { Id: `sha256:${'e'.repeat(64)}`, Config: { OnBuild: ['RUN true', 'COPY --from=ab12cd / /loot'] } };
    const { docker, pulls } = fakeDocker({ 'spur/victim/web:3-0123456789ab': victim, 'node:22': node }, { 'evil/base:1': evil });
    await expect(check('FROM node:22 AS x\nFROM evil/base:1\n', {}, docker)).rejects.toThrow(/^Dockerfile line 2: ab12cd looks like an image id.* \(an ONBUILD trigger of evil\/base:1\)$/);
    expect(pulls).toEqual(['evil/base:1']);
  });
  it('checks the ONBUILD triggers of a base image it already has', async () => {
    const evil: FakeImage = { Id: `sha256:${'e'.repeat(64)}`, Config: { OnBuild: ['COPY --from=myapp:latest / /loot'] } };
    const { docker } = fakeDocker({ 'myapp:latest': victim, 'evil/base:1': evil });
    await expect(check('FROM evil/base:1\n', {}, docker)).rejects.toThrow(/^Dockerfile line 1: myapp:latest is an image Spur built; use a public image \(an ONBUILD trigger of evil\/base:1\)$/);
  });
  it('says when a base image cannot be pulled', async () => {
    await expect(check('FROM nope/nothing:1\n')).rejects.toThrow(/^Dockerfile line 1: could not pull nope\/nothing:1: pull access denied/);
  });
  it('fails closed when the daemon cannot answer', async () => {
    const docker = { getImage: () => ({ inspect: async () => { throw Object.assign(new Error('daemon unavailable'), { statusCode: 500 }); } }) } as unknown as DockerClient;
    await expect(check('FROM node:22\n', {}, docker)).rejects.toThrow(/daemon unavailable/);
  });
});
