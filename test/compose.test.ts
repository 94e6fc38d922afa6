// A real Compose app on a real Swarm: web + worker + Postgres + Redis, with health checks and a
// volume. It deploys as one group (Postgres and Redis healthy before the web and the worker
// start), the web reads what the worker wrote; a redeploy changes the web and the worker with no
// failed request on the web, leaving Postgres (and its volume) running; a rollback returns both to
// the first group deployment, again with no failed request; unsupported keys are refused with
// their line, changing nothing.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, cli, docker, eventually, probe, startGitStack, startLoadProbe, stopAll, uniqueName } from './harness.js';
import { expectReadmeWalked } from './readme.js';

const APP_IMAGE = 'spur-test/compose-app:1';
let spur: SpurProcess;
let git: GitServer;
const project = uniqueName('cmp');
const network = `spur_${project}_production`;
const dir = mkdtempSync(join(tmpdir(), 'spur-compose-'));

const walked: string[] = [];
function user(args: string[]) {
  walked.push(['spur', ...args].join(' ').replaceAll(project, 'shop').replaceAll(`${dir}/`, ''));
  return cli(spur, args);
}

const composeFile = (version: string) => `
services:
  web:
    image: ${APP_IMAGE}
    command: ["node", "/app/app.js", "web"]
    expose: ["3000"]
    environment:
      VERSION: "${version}"
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db:5432/app
      REDIS_URL: redis://cache:6379
    healthcheck:
      test: ["CMD", "node", "/app/app.js", "health"]
      interval: 1s
      timeout: 10s
      retries: 3
    depends_on:
      db: { condition: service_healthy }
      cache: { condition: service_healthy }
  worker:
    image: ${APP_IMAGE}
    command: ["node", "/app/app.js", "worker"]
    environment:
      VERSION: "${version}"
      DATABASE_URL: postgres://app:\${DB_PASSWORD}@db:5432/app
      REDIS_URL: redis://cache:6379
    depends_on: [db, cache]
  db:
    image: postgres:17
    environment:
      POSTGRES_USER: app
      POSTGRES_PASSWORD: \${DB_PASSWORD:?set DB_PASSWORD in .env}
      POSTGRES_DB: app
    volumes: ["pgdata:/var/lib/postgresql/data"]
    healthcheck:
      test: ["CMD", "pg_isready", "-U", "app", "-h", "127.0.0.1"]
      interval: 1s
      retries: 10
  cache:
    image: redis:7
    healthcheck:
      test: ["CMD", "redis-cli", "ping"]
      interval: 1s
volumes:
  pgdata:
`;

function writeApp(version: string) {
  writeFileSync(join(dir, 'docker-compose.yml'), composeFile(version));
  writeFileSync(join(dir, '.env'), 'DB_PASSWORD=correct-horse\n');
}

const up = () => user(['compose', 'up', project, 'app', '-f', `${dir}/docker-compose.yml`, '--env-file', `${dir}/.env`]);
const state = async () => JSON.parse((await probe(network, 'http://web:3000/state')).body) as { version: string; rows: number; ticks: number };
const dbAndCacheVersions = async () => Object.fromEntries(await Promise.all(['db', 'cache'].map(async (s) => [s, await docker('service', 'inspect', '--format', '{{.Spec.TaskTemplate.ForceUpdate}} {{.Version.Index}}', `spur_${project}_${s}_production`)])));

beforeAll(async () => {
  await docker('build', '-q', '-t', APP_IMAGE, resolve(__dirname, 'fixtures/compose-app'));
  ({ git, spur } = await startGitStack());
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
}, 300_000);

afterAll(() => stopAll({ spur, git }, [project]));

describe('Compose apps', () => {
  let firstGroup: number;

  it('deploys web + worker + Postgres + Redis as one group, each after what it depends on', async () => {
    writeApp('1');
    const result = await up();
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^Saved Compose app app in \S+: cache, db, web, worker$/m);
    firstGroup = Number(/Group deployment #(\d+) is active\./.exec(result.stdout)![1]);
    // The web reads what the worker writes, through Postgres and Redis on the project network.
    const seen = await eventually('the worker writing and the web reading', async () => {
      const s = await state().catch(() => undefined);
      return s && s.rows > 0 && s.ticks > 0 ? s : undefined;
    }, 120_000);
    expect(seen.version).toBe('1');
    // Each service started after the ones it depends on were healthy.
    const created = async (s: string) => Date.parse(JSON.parse(await docker('service', 'inspect', `spur_${project}_${s}_production`))[0].CreatedAt);
    expect(await created('web')).toBeGreaterThan(await created('db'));
    expect(await created('web')).toBeGreaterThan(await created('cache'));
    const ps = await user(['compose', 'ps', project, 'app']);
    expect(ps.stdout).toContain(`Serving: group deployment #${firstGroup}`);
  });

  it('redeploys what changed with no failed request on the web, Postgres and its volume left running', async () => {
    const before = await dbAndCacheVersions();
    const rowsBefore = (await state()).rows;
    writeApp('2');
    const load = await startLoadProbe(network, 'http://web:3000/');
    await new Promise((r) => setTimeout(r, 1000));
    const result = await up();
    await new Promise((r) => setTimeout(r, 1500));
    const report = await load.stop();
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/db\t#\d+\tactive\t\(unchanged\)/);
    expect(report.failed, JSON.stringify(report.errors)).toBe(0);
    expect(report.ok).toBeGreaterThan(50);
    expect(report.last).toBe('web 2');
    expect(await dbAndCacheVersions()).toEqual(before);
    // The rows written before are still there: the database was not restarted onto an empty volume.
    expect((await state()).rows).toBeGreaterThanOrEqual(rowsBefore);
  });

  it('rolls the group back as one, with no failed request on the web', async () => {
    const load = await startLoadProbe(network, 'http://web:3000/');
    await new Promise((r) => setTimeout(r, 1000));
    const result = await user(['compose', 'rollback', project, 'app']);
    await new Promise((r) => setTimeout(r, 1500));
    const report = await load.stop();
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(report.failed, JSON.stringify(report.errors)).toBe(0);
    expect(report.last).toBe('web 1');
    // Both changed services went back to the deployments of the first group.
    const shown = JSON.parse((await cli(spur, ['compose', 'history', project, 'app', '--json'])).stdout) as { deployments: { id: number; status: string; rollbackOf: number | null; members: { service: string; deployment: number }[] }[] };
    const [latest, , first] = shown.deployments;
    expect(latest).toMatchObject({ status: 'active', rollbackOf: firstGroup });
    const servedBy = (g: typeof latest, s: string) => g.members.find((m) => m.service === s)!.deployment;
    for (const s of ['web', 'worker']) expect((await cli(spur, ['deployments', project, s, '--json'])).stdout).toContain(`"rollbackOf":${servedBy(first, s)}`);
    expect(first.id).toBe(firstGroup);
    const history = await user(['compose', 'history', project, 'app']);
    expect(history.stdout.trim().split('\n').map((l) => l.split('\t')[1])).toEqual(['active', 'superseded', 'superseded']);
    await eventually('the worker writing as version 1 again', async () => ((await state()).version === '1' ? true : undefined));
  });

  it('refuses unsupported keys with their line, changing nothing', async () => {
    const before = (await cli(spur, ['compose', 'history', project, 'app'])).stdout;
    writeApp('3');
    writeFileSync(join(dir, 'docker-compose.yml'), composeFile('3').replace('\nvolumes:\n', '\n  sneaky:\n    image: busybox:1.37\n    privileged: true\n    volumes: ["/var/run/docker.sock:/var/run/docker.sock"]\nvolumes:\n'));
    const result = await up();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line \d+: services\.sneaky\.privileged: privileged reaches into the host/);
    expect(result.stderr).toMatch(/line \d+: services\.sneaky\.volumes: \/var\/run\/docker\.sock is a path on the host/);
    expect((await cli(spur, ['compose', 'history', project, 'app'])).stdout).toBe(before);
    expect((await cli(spur, ['compose', 'ls', project])).stdout.trim()).toBe('app\tcache,db,web,worker');
  });

  it('reads a file from a repository, building its services from it, and builds them again at each deploy', async () => {
    const repo = createRepo(git, `${project}-site.git`);
    const files = (version: string) => ({
      'deploy/docker-compose.yml': 'services:\n  site:\n    build: { context: ../web }\n    expose: ["3000"]\n    x-spur-http-health: /health\n  sitecache:\n    image: redis:7\n',
      ...Object.fromEntries(Object.entries(helloAppFiles(version)).map(([k, v]) => [`web/${k}`, v])),
    });
    repo.commit(files('v1'), 'v1');
    // The README names the repository https://git.example.com/shop/site.git; this one is the git server's.
    const run = () => {
      walked.push('spur compose up shop site --git https://git.example.com/shop/site.git --path deploy/docker-compose.yml');
      return cli(spur, ['compose', 'up', project, 'site', '--git', repo.url, '--path', 'deploy/docker-compose.yml']);
    };
    const first = await run();
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect((await probe(network, 'http://site:3000/quiet')).body.trim()).toBe('hello from v1');
    repo.commit(files('v2'), 'v2');
    const second = await run();
    expect(second.code, second.stderr + second.stdout).toBe(0);
    expect(second.stdout).toMatch(/sitecache\t#\d+\tactive\t\(unchanged\)/);
    expect((await probe(network, 'http://site:3000/quiet')).body.trim()).toBe('hello from v2');
    const bad = await cli(spur, ['compose', 'up', project, 'site', '--git', repo.url, '--path', 'deploy/missing.yml']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('path: deploy/missing.yml is not in');
  });

  it('has walked the README\'s "Compose apps"', () => expectReadmeWalked('Compose apps', walked));
});
