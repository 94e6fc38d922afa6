// Three templates deployed end to end on a real Swarm, on stand-in images under the official
// names the templates pin (nothing can be pulled here): Uptime Kuma alone, Vaultwarden with a
// setting given and its admin token generated, and WordPress reaching its MariaDB with the
// password Spur generated for both.
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, cli, docker, loginCli, probe, startSpur, stopAll, uniqueName } from './harness.js';
import { expectReadmeWalked } from './readme.js';

const STAND_INS = resolve(__dirname, 'fixtures/template-stand-ins');
let spur: SpurProcess;
const project = uniqueName('tpl');
const network = `spur_${project}_production`;

const walked: string[] = [];
function user(args: string[]) {
  walked.push(['spur', ...args].join(' ').replaceAll(project, 'shop'));
  return cli(spur, args);
}

beforeAll(async () => {
  for (const [name, standin] of [['louislam/uptime-kuma:1.23.16', 'uptime-kuma'], ['vaultwarden/server:1.32.7', 'vaultwarden'], ['wordpress:6.7.1-apache', 'wordpress']]) {
    await docker('build', '-q', '-f', `${STAND_INS}/Dockerfile.app`, '--build-arg', `STANDIN=${standin}`, '-t', name, STAND_INS);
  }
  await docker('build', '-q', '-f', `${STAND_INS}/Dockerfile.mariadb`, '-t', 'mariadb:11.4.4', STAND_INS);
  spur = await startSpur();
  await loginCli(spur);
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
}, 300_000);

afterAll(() => stopAll({ spur }, [project]));

describe('templates, end to end', () => {
  it('finds and shows an app of the catalogue', async () => {
    const found = await user(['templates', 'list', '--search', 'monitoring']);
    expect(found.stdout).toMatch(/^uptime-kuma\tmonitoring\tSelf-hosted uptime monitoring/m);
    const shown = await user(['templates', 'show', 'wordpress']);
    expect(shown.stdout).toContain('wordpress\twordpress:6.7.1-apache\tport 80\tvolumes wordpress-html:/var/www/html\t(gets the domain)');
    expect(shown.stdout).toContain('Generated secrets: DB_PASSWORD, DB_ROOT_PASSWORD');
  });

  it('deploys Uptime Kuma, keeping its data on its volume', async () => {
    const result = await user(['templates', 'deploy', project, 'uptime-kuma']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/it will answer at http:\/\/uptime-kuma-\S+/);
    expect(result.stdout).toMatch(/Group deployment #\d+ is active\./);
    const answer = await probe(network, 'http://uptime-kuma:3001/');
    expect(answer.body).toBe('Uptime Kuma stand-in: 1 files kept');
  });

  it('deploys Vaultwarden with a setting given, its admin token generated and its address the generated domain', async () => {
    const result = await user(['templates', 'deploy', project, 'vaultwarden', '--set', 'SIGNUPS_ALLOWED=false']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    const seen = JSON.parse((await probe(network, 'http://vaultwarden/')).body) as { domain: string; signups: string; adminToken: number };
    expect(seen.domain).toMatch(new RegExp(`^http://vaultwarden-${project}\\.`));
    expect(seen).toMatchObject({ signups: 'false', adminToken: 48 });
  });

  it('deploys WordPress, which reaches its MariaDB with the password generated for both', async () => {
    const result = await user(['templates', 'deploy', project, 'wordpress']);
    expect(result.code, result.stderr + result.stdout).toBe(0);
    expect(result.stdout).toMatch(/^ {2}wordpress-db\t#\d+\tactive$/m);
    expect((await probe(network, 'http://wordpress/')).body).toBe('WordPress stand-in: database ok');
    const volumes = await cli(spur, ['volumes', 'list', project, 'wordpress-db']);
    expect(volumes.stdout).toMatch(/^wordpress-db-data\t\/var\/lib\/mysql\t/m);
    expect((await cli(spur, ['compose', 'ls', project])).stdout.trim().split('\n')).toEqual(['uptime-kuma\tuptime-kuma', 'vaultwarden\tvaultwarden', 'wordpress\twordpress,wordpress-db']);
  });

  it('has walked the README\'s "Templates"', () => expectReadmeWalked('Templates', walked));
});
