// Canary and blue-green releases on a real Swarm. Traefik's image cannot be pulled here, so what
// is proven is what Spur controls: the weights it writes for Traefik's file provider, the labels
// that point the instance's routers at them, the Swarm services of both versions, and that the
// old version answers every request while the new one fails and is taken away.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, docker, eventually, probe, startGitStack, startLoadProbe, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { expectReadmeWalked } from './readme.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
let repo: ReturnType<typeof createRepo>;
const project = uniqueName('cnry');
const name = `spur_${project}_web_production`;
const network = `spur_${project}_production`;
const splitFile = () => join(spur.dataDir, 'traefik', 'dynamic', `split-${name}.yml`);

/** The hello app, answering its health check only for its first `healthyFor` ms when given. */
function appFiles(version: string, healthyFor?: number): Record<string, string> {
  const app = helloAppFiles(version);
  if (healthyFor === undefined) return app;
  const server = app['server.js']!.replace(/^const healthy = .*$/m, `const started = Date.now();\nlet healthy = true;\nsetInterval(() => { healthy = Date.now() - started < ${healthyFor}; }, 200);`);
  return { ...app, 'server.js': server };
}

const walked: string[] = [];
function user(args: string[]) {
  walked.push(['spur', ...args].join(' ').replaceAll(project, 'shop'));
  return cli(spur, args);
}


const weights = () => {
  if (!existsSync(splitFile())) return undefined;
  const config = JSON.parse(readFileSync(splitFile(), 'utf8'));
  return config.http.services[`${name}-split`].weighted.services.map((s: { name: string; weight: number }) => `${s.name}=${s.weight}`) as string[];
};
const routerServices = async () => {
  const labels = JSON.parse(await docker('service', 'inspect', name, '--format', '{{json .Spec.Labels}}')) as Record<string, string>;
  return [...new Set(Object.entries(labels).filter(([k]) => /^traefik\.http\.routers\..+\.service$/.test(k)).map(([, v]) => v))];
};
const nextExists = async () => (await docker('service', 'ls', '-q', '--filter', `name=${name}_new`)) !== '';

const deploy = async () => (await api(spur, token)('POST', `/projects/${project}/services/web/deployments`)).json.deployment.id as number;

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack());
  repo = createRepo(git, `${project}.git`);
  repo.commit(appFiles('v1'), 'v1');
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['unprotect', project, 'production'])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['settings', project, 'web', '--health', 'http', '--health-path', '/health', '--health-interval', '1', '--health-retries', '2', '--health-start-period', '2'])).code).toBe(0);
  const first = await cli(spur, ['deploy', project, 'web']);
  expect(first.code, first.stderr).toBe(0);
}, 300_000);

afterAll(() => stopAll({ spur, git }, [project]));

describe('a canary', () => {
  it('refuses shares that are not ascending percentages, in one line', async () => {
    const refused = await cli(spur, ['settings', project, 'web', '--strategy', 'canary', '--canary-steps', '50,10']);
    expect(refused.code).toBe(1);
    expect(refused.stderr.trim()).toMatch(/^spur: .*canary steps: each share must be larger than the one before/);
    expect((await cli(spur, ['settings', project, 'web', '--canary-steps', '10,100'])).code).toBe(1);
  });

  it('at 10% writes the weights, then aborts on a failing health check: the old version answers every request', async () => {
    expect((await user(['settings', project, 'web', '--strategy', 'canary', '--canary-steps', '10', '--canary-interval', '0'])).code).toBe(0);
    repo.commit(appFiles('v2', 15_000), 'v2: its health check fails after 15 s');
    const load = await startLoadProbe(network, 'http://web:3000/quiet', { maxSeconds: 120 });
    const id = await deploy();
    expect(await eventually('the weights', weights, 120_000, 150)).toEqual([`${name}-old=90`, `${name}-new=10`]);
    // The routers follow once Traefik has the file.
    await eventually('the routers on the split', async () => ((await routerServices()).join() === `${name}-split@file` ? true : undefined), 30_000, 250);
    expect(await nextExists()).toBe(true);
    const done = await waitForDeployment(spur, token, id);
    const seen = await load.stop();
    expect(done.status).toBe('failed');
    expect(done.failureReason).toMatch(/^the canary was stopped at 10%: its health check failed(: .+)?; the old version serves all the traffic again$/);
    expect(seen.failed, JSON.stringify(seen.errors)).toBe(0);
    expect(seen.ok).toBeGreaterThan(20);
    expect(weights()).toBeUndefined();
    expect(await routerServices()).toEqual([name]);
    expect(await nextExists()).toBe(false);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hello from v1');
  }, 300_000);

  it('stepped on by hand, takes over: the instance runs the new version and the split is gone', async () => {
    repo.commit(appFiles('v3'), 'v3');
    const id = await deploy();
    expect(await eventually('the weights', weights, 120_000, 150)).toEqual([`${name}-old=90`, `${name}-new=10`]);
    const next = await user(['canary', project, 'web', 'next']);
    expect(next.code, next.stderr).toBe(0);
    expect((await waitForDeployment(spur, token, id)).status).toBe('active');
    expect(weights()).toBeUndefined();
    expect(await routerServices()).toEqual([name]);
    expect(await nextExists()).toBe(false);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hello from v3');
    expect((await cli(spur, ['canary', project, 'web', 'next'])).stderr.trim()).toBe('spur: no canary or blue-green release is under way here (HTTP 409)');
  }, 300_000);

  it('has walked the README\'s "Canary and blue-green"', () => expectReadmeWalked('Canary and blue-green', walked));
});

describe('blue-green', () => {
  it('starts the new version whole beside the old, switches every request in one change, then replaces the old', async () => {
    expect((await cli(spur, ['settings', project, 'web', '--strategy', 'blue-green', '--blue-green-keep', '3'])).code).toBe(0);
    repo.commit(appFiles('v4'), 'v4');
    const load = await startLoadProbe(network, 'http://web:3000/quiet', { maxSeconds: 120 });
    const id = await deploy();
    expect(await eventually('the switch', weights, 120_000, 150)).toEqual([`${name}-old=0`, `${name}-new=100`]);
    await eventually('the routers on the split', async () => ((await routerServices()).join() === `${name}-split@file` ? true : undefined), 30_000, 250);
    expect((await waitForDeployment(spur, token, id)).status).toBe('active');
    const seen = await load.stop();
    expect(seen.failed, JSON.stringify(seen.errors)).toBe(0);
    expect(weights()).toBeUndefined();
    expect(await routerServices()).toEqual([name]);
    expect(await nextExists()).toBe(false);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hello from v4');
  }, 300_000);
});
