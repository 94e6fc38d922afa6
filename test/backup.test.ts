// End to end: `spur backup create|list|restore` as an operator runs them. A backup is taken,
// the data dir is wiped, the archive is restored, and Spur comes back with its projects, users,
// variables (still decryptable), deploy keys and pushed repositories, and a deploy works.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, probe, startGitStack, startSpur, stopAll, uniqueName } from './harness.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('bak');
const gitInfo = async () => JSON.parse((await cli(spur, ['git', project, 'private', '--json'])).stdout) as { deployKey: string };

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack());
  const repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('b1'), 'b1');
  await cli(spur, ['project', 'create', project]);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'private', '--git', 'ssh://git@172.17.0.1:22/example/private.git'])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=restored-greeting'])).code).toBe(0);
  const deployed = await cli(spur, ['deploy', project, 'web']);
  expect(deployed.code, deployed.stderr).toBe(0);
});
afterAll(() => stopAll({ spur, git }, [project]));

describe('spur backup', () => {
  it('creates a private archive, lists it, and restores it into a wiped data dir; then everything is back and a deploy works', async () => {
    const keyBefore = (await gitInfo()).deployKey;
    expect(keyBefore).toMatch(/^ssh-ed25519 /);

    const made = await cli(spur, ['backup', 'create']);
    expect(made.code, made.stderr).toBe(0);
    const file = /^Wrote (\S+) \(/.exec(made.stdout)![1];
    expect(made.stdout).toContain("It holds Spur's secrets");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const entries = execFileSync('tar', ['-tzf', file], { encoding: 'utf8' }).split('\n');
    expect(entries).toEqual(expect.arrayContaining(['manifest.json', 'spur.db', 'secret.key', 'ssh_host_ed25519_key', 'install-id']));
    expect((await cli(spur, ['backup', 'list'])).stdout).toContain(file);

    // Restoring under a running Spur is refused, and changes nothing.
    const busy = await cli(spur, ['backup', 'restore', file]);
    expect(busy.code).toBe(1);
    expect(busy.stderr.trim()).toMatch(/^spur: spur serve is running on .* \(pid \d+\); stop it, then restore$/);

    // Wipe the data dir, keeping only the archive (as if it was copied back onto a new server).
    await spur.stop();
    const kept = join(spur.dataDir, '..', `${project}.tar.gz`);
    execFileSync('cp', [file, kept]);
    for (const entry of readdirSync(spur.dataDir)) rmSync(join(spur.dataDir, entry), { recursive: true, force: true });
    const restored = await cli(spur, ['backup', 'restore', kept]);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toMatch(/^Restored .* \(taken .* by Spur /);

    spur = await startSpur({ dataDir: spur.dataDir, env: git.spurEnv });
    expect((await cli(spur, ['login', spur.url, '--token', token])).code).toBe(0);
    const call = api(spur, token);
    expect((await call('GET', '/me')).json).toEqual({ email: 'owner@example.com', role: 'owner' });
    expect((await call('GET', `/projects/${project}`)).status).toBe(200);
    const vars = await call('GET', `/projects/${project}/services/web/variables?reveal=1`);
    expect(vars.json.variables.GREETING).toBe('restored-greeting');
    expect((await gitInfo()).deployKey).toBe(keyBefore);

    const again = await cli(spur, ['deploy', project, 'web']);
    expect(again.code, again.stderr).toBe(0);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('restored-greeting from b1\n');
  });

  it('refuses an archive that is not a Spur backup, or that reaches outside the data dir, and changes nothing', async () => {
    await spur.stop();
    const dir = join(spur.dataDir, '..', `${project}-bad`);
    execFileSync('mkdir', ['-p', join(dir, 'etc')]);
    writeFileSync(join(dir, 'etc', 'passwd'), 'x');
    const outside = join(dir, 'outside.tar.gz');
    execFileSync('tar', ['-czf', outside, '-C', dir, 'etc/passwd']);
    const notTar = join(dir, 'plain.txt');
    writeFileSync(notTar, 'hello');
    const before = readdirSync(spur.dataDir).sort();
    for (const [archive, message] of [
      [outside, /^spur: cannot restore: the archive holds "etc\/passwd", which is not part of a Spur backup$/],
      [notTar, /^spur: cannot restore: .* is not a gzip tar archive/],
      [join(dir, 'missing.tar.gz'), /^spur: cannot restore: .* is not a readable file$/],
    ] as const) {
      const r = await cli(spur, ['backup', 'restore', archive]);
      expect(r.code, archive).toBe(2);
      expect(r.stderr.trim()).toMatch(message);
    }
    expect(readdirSync(spur.dataDir).sort()).toEqual(before);
    spur = await startSpur({ dataDir: spur.dataDir, env: git.spurEnv });
  });
});
