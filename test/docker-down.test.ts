// With Docker unreachable, Spur still starts, says so plainly, and refuses deploys with the reason.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SpurProcess, api, cli, loginCli, startSpur } from './harness.js';

let spur: SpurProcess;
beforeAll(async () => {
  spur = await startSpur({ env: { DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, requireDocker: false });
});
afterAll(() => spur?.stop());

it('keeps running, reports the problem, and refuses to deploy', async () => {
  const health = await (await fetch(`${spur.url}/healthz`)).json();
  expect(health).toEqual({ ok: true, docker: false, version: JSON.parse(readFileSync(resolve(__dirname, '..', 'dist', 'release.json'), 'utf8')).version });
  expect(spur.output()).toMatch(/docker engine not ready .*Docker is not reachable/);

  const token = await loginCli(spur);
  const call = api(spur, token);
  await call('POST', '/projects', { name: 'shop' });
  await call('POST', '/projects/shop/services', { name: 'web', image: 'nginx:1.27' });
  const res = await call('POST', '/projects/shop/services/web/deployments');
  expect(res.status).toBe(503);
  expect(res.json.error).toMatch(/^Docker is not reachable .*Install Docker and start it, or set DOCKER_HOST\.$/);
  expect((await call('GET', '/projects/shop/services/web/deployments')).json.deployments).toEqual([]);

  const deploy = await cli(spur, ['deploy', 'shop', 'web']);
  expect(deploy.code).toBe(1);
  expect(deploy.stderr.trim()).toMatch(/^spur: Docker is not reachable .* \(HTTP 503\)$/);
});
