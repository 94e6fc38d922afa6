// End to end against the real daemon: a build whose cancel arrived before it started (while the
// source was still being fetched or checked) must not run at all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createDockerClient } from '../src/docker/client.js';
import { buildImage } from '../src/builds/image-build.js';
import { BASE_IMAGE, docker, uniqueName } from './harness.js';

it('a build asked for with an already aborted signal is refused at once and builds nothing', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'spur-cancel-'));
  writeFileSync(join(dir, 'Dockerfile'), `FROM ${BASE_IMAGE}\nRUN sleep 20\n`);
  const tag = `spur-test/cancelled-${uniqueName('b')}:1`;
  const controller = new AbortController();
  controller.abort('cancelled by request');
  const started = Date.now();
  await expect(
    buildImage(createDockerClient('/var/run/docker.sock'), { contextDir: dir, entries: ['Dockerfile'], dockerfile: 'Dockerfile', tag, labels: { 'spur.test': 'cancel' }, onLine: () => {}, signal: controller.signal }),
  ).rejects.toThrow(/aborted/i);
  expect(Date.now() - started).toBeLessThan(5_000);
  expect(await docker('image', 'ls', '-q', tag)).toBe('');
});
