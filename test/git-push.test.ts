// git push over SSH with a stock git + OpenSSH client into Spur's own SSH server.
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVATE_HOST, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cleanupProject, cli, loginCli, probe, startSpur, uniqueName } from './harness.js';

let spur: SpurProcess;
let ownerToken: string;
const project = uniqueName('gp');
const other = uniqueName('gpo');
const work = mkdtempSync(join(tmpdir(), 'spur-push-'));
const keyFile = (name: string) => join(work, name);

function sshKey(name: string): string {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', `${name}@test`, '-f', keyFile(name)]);
  return readFileSync(`${keyFile(name)}.pub`, 'utf8');
}

const sshCommand = (key: string) => `ssh -i ${keyFile(key)} -o IdentitiesOnly=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR`;

function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, timeout: 240_000 }, (err, stdout, stderr) =>
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr }),
    );
  });
}

const app = mkdtempSync(join(tmpdir(), 'spur-push-app-'));
const git = (...args: string[]) => execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd: app }).toString().trim();
function commit(files: Record<string, string>, message: string): string {
  for (const [f, c] of Object.entries(files)) writeFileSync(join(app, f), c);
  git('add', '-A');
  git('commit', '-q', '-m', message);
  return git('rev-parse', 'HEAD');
}
const push = (key: string, path: string, refspec = 'main') =>
  run('git', ['push', `ssh://git@127.0.0.1:${spur.sshPort}/${path}`, refspec], { cwd: app, env: { GIT_SSH_COMMAND: sshCommand(key) } });

beforeAll(async () => {
  // Listening beyond loopback: the deploy-key test clones from this Spur as from a LAN host.
  spur = await startSpur({ env: { SPUR_HOST: '0.0.0.0', SPUR_GIT_ALLOW_PRIVATE: '1' } });
  ownerToken = await loginCli(spur);
  expect((await cli(spur, ['keys', 'add', '-', '--name', 'laptop'], {}, sshKey('owner'))).code).toBe(0);
  sshKey('stranger');
  await cli(spur, ['project', 'create', project]);
  await cli(spur, ['project', 'create', other]);
  expect((await cli(spur, ['service', 'create', project, 'web', '--push'])).code).toBe(0);
  await cli(spur, ['service', 'create', other, 'web', '--push']);
  git('init', '-q', '-b', 'main');
});

afterAll(async () => {
  await spur?.stop();
  await cleanupProject(project);
  await cleanupProject(other);
});

describe('git push', () => {
  it('has no build plan to show before the first push, saying so with a 409', async () => {
    const res = await api(spur, ownerToken)('GET', `/projects/${project}/services/web/build-plan`);
    expect(res.status, res.text).toBe(409);
    expect(res.json.error).toMatch(/nothing has been pushed to branch main yet/);
    const plan = await cli(spur, ['build', 'plan', project, 'web']);
    expect(plan.code).not.toBe(0);
    expect(plan.stderr).toMatch(/nothing has been pushed to branch main yet/);
  });

  it('deploys the first push, streaming the build in remote: lines', async () => {
    commit(helloAppFiles('push1'), 'first push');
    const result = await push('owner', `${project}/web`);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/remote: Step 1\/\d+ : FROM spur-test\/node:bookworm/);
    expect(result.out).toMatch(/remote: Deployment \d+ is active\./);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from push1\n');
    // The audit log names the pusher and the door (the key's owner, over git push, from loopback).
    const [entry] = (await api(spur, ownerToken)('GET', `/projects/${project}/audit?action=deploy`)).json.entries;
    expect(entry).toMatchObject({ action: 'deploy', actor: { kind: 'user', email: 'owner@example.com' }, via: 'git-push', address: '127.0.0.1', outcome: 'allowed', object: { name: `${project}/web (production)` } });
  });

  it('deploys a second push with the change', async () => {
    const sha = commit(helloAppFiles('push2'), 'second push');
    const result = await push('owner', `/${project}/web.git`);
    expect(result.code, result.out).toBe(0);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from push2\n');
    const [latest] = (await api(spur, ownerToken)('GET', `/projects/${project}/services/web/deployments`)).json.deployments;
    expect(latest).toMatchObject({ status: 'active', commitSha: sha, commitMessage: 'second push', trigger: 'push:owner@example.com' });
  });

  it('rejects a push whose build fails, shows the error, and keeps the running version', async () => {
    const good = git('rev-parse', 'HEAD');
    commit({ Dockerfile: 'FROM spur-test/node:bookworm\nRUN echo "compile error here" && exit 2\n' }, 'broken');
    const result = await push('owner', `${project}/web`);
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('remote: compile error here');
    expect(result.out).toMatch(/remote: spur: deployment #\d+ failed: build failed: .*non-zero code: 2; the push is rejected/);
    expect(result.out).toContain('pre-receive hook declined');
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from push2\n');
    // The rejected commit never reached the branch Spur keeps.
    const remote = await run('git', ['ls-remote', `ssh://git@127.0.0.1:${spur.sshPort}/${project}/web`, 'main'], { cwd: app, env: { GIT_SSH_COMMAND: sshCommand('owner') } });
    expect(remote.out.split(/\s/)[0]).toBe(good);
    git('reset', '-q', '--hard', good);
  });

  it('accepts a push to a branch no environment follows, without deploying', async () => {
    const before = (await api(spur, ownerToken)('GET', `/projects/${project}/services/web/deployments`)).json.deployments.length;
    git('checkout', '-q', '-b', 'feature');
    commit(helloAppFiles('feature'), 'feature work');
    const result = await push('owner', `${project}/web`, 'feature');
    git('checkout', '-q', 'main');
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('remote: Branch feature is not deployed by any environment of web; pushed without deploying.');
    expect((await api(spur, ownerToken)('GET', `/projects/${project}/services/web/deployments`)).json.deployments.length).toBe(before);
  });

  it('stores but does not deploy a push while auto-deploy is off, and says so', async () => {
    const deploymentsNow = async () => (await api(spur, ownerToken)('GET', `/projects/${project}/services/web/deployments`)).json.deployments.length;
    const before = await deploymentsNow();
    expect((await cli(spur, ['settings', project, 'web', '--auto-deploy', 'off'])).code).toBe(0);
    const sha = commit({ 'NOTES.md': 'pushed while auto-deploy is off\n' }, 'while auto-deploy is off');
    const result = await push('owner', `${project}/web`);
    await cli(spur, ['settings', project, 'web', '--auto-deploy', 'on']);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toContain('remote: Auto-deploy is off for production: branch main pushed without deploying there.');
    expect(await deploymentsNow()).toBe(before);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from push2\n');
    const remote = await run('git', ['ls-remote', `ssh://git@127.0.0.1:${spur.sshPort}/${project}/web`, 'main'], { cwd: app, env: { GIT_SSH_COMMAND: sshCommand('owner') } });
    expect(remote.out.split(/\s/)[0]).toBe(sha);
  });

  it('deploys a push only when it changes a file matching the watch paths, saying why not otherwise', async () => {
    const deploymentsNow = async () => (await api(spur, ownerToken)('GET', `/projects/${project}/services/web/deployments`)).json.deployments.length;
    const escaping = await cli(spur, ['settings', project, 'web', '--watch-paths', 'server.js,../secrets/**']);
    expect(escaping.code).toBe(1);
    expect(escaping.stderr).toContain('watch paths: ../secrets/**: a pattern is relative to the repository and stays inside it');
    expect((await cli(spur, ['settings', project, 'web', '--watch-paths', 'server.js,Dockerfile'])).code).toBe(0);
    const before = await deploymentsNow();
    commit({ 'NOTES.md': 'docs only\n' }, 'docs only');
    const docsOnly = await push('owner', `${project}/web`);
    expect(docsOnly.code, docsOnly.out).toBe(0);
    expect(docsOnly.out).toContain('remote: Not deploying production: no changed file is under its watch paths (server.js, Dockerfile).');
    expect(await deploymentsNow()).toBe(before);
    commit(helloAppFiles('push3'), 'code change');
    const code = await push('owner', `${project}/web`);
    await cli(spur, ['settings', project, 'web', '--watch-paths', '']);
    expect(code.code, code.out).toBe(0);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from push3\n');
  });

  it('refuses an unknown key', async () => {
    const result = await push('stranger', `${project}/web`);
    expect(result.code).not.toBe(0);
    expect(result.out).toContain('Permission denied (publickey)');
  });

  it("refuses a key whose user may not use the project, without telling whether it exists", async () => {
    const added = await cli(spur, ['user', 'add', '--email', 'member@example.com']);
    expect(added.code, added.stderr).toBe(0);
    const memberToken = (await cli(spur, ['token', 'create', '--email', 'member@example.com'])).stdout.trim();
    const memberKey = await api(spur, memberToken)('POST', '/keys', { key: sshKey('member') });
    expect(memberKey.status).toBe(201);
    const result = await push('member', `${project}/web`);
    expect(result.code).not.toBe(0);
    expect(result.out).toContain(`spur: no repository ${project}/web that this key may use`);
    expect((await api(spur, memberToken)('GET', `/projects/${project}`)).status).toBe(404);
    expect((await api(spur, memberToken)('GET', '/projects')).json.projects).toEqual([]);

    expect((await cli(spur, ['member', other, 'member@example.com'])).code).toBe(0);
    expect((await api(spur, memberToken)('GET', '/projects')).json.projects.map((p: { name: string }) => p.name)).toEqual([other]);
    // A viewer reads the project but may not push: a push deploys.
    expect((await cli(spur, ['member', other, 'member@example.com', '--role', 'viewer'])).stdout).toContain(`member@example.com is now a viewer of ${other}`);
    const asViewer = await push('member', `${other}/web`);
    expect(asViewer.code).not.toBe(0);
    expect(asViewer.out).toContain(`spur: your role in ${other} (viewer) may not push to it`);
    // The refusal went through the door: it is in the project's audit log, with the viewer's role.
    const [refusal] = (await api(spur, ownerToken)('GET', `/projects/${other}/audit?action=deploy&outcome=refused`)).json.entries;
    expect(refusal).toMatchObject({ actor: { email: 'member@example.com' }, role: 'viewer', via: 'git-push', outcome: 'refused' });
    expect((await cli(spur, ['member', other, 'member@example.com', '--role', 'developer'])).code).toBe(0);
    // A developer's push to protected production is accepted and becomes a deploy request.
    const allowed = await push('member', `${other}/web`);
    expect(allowed.code, allowed.out).toBe(0);
    expect(allowed.out).toMatch(/production is protected: deploy request #\d+ waits for an admin's approval/);
    const [asked] = (await api(spur, ownerToken)('GET', `/projects/${other}/requests`)).json.requests;
    expect(asked).toMatchObject({ kind: 'deploy', requester: 'member@example.com', status: 'pending', summary: { commit: expect.stringMatching(/^[0-9a-f]{40}$/) } });
  });

  it.each([
    ['../etc', /the repository path must be <project>\/<service>/],
    ['a/b/c', /the repository path must be <project>\/<service>/],
    ['../../etc/passwd', /the repository path must be <project>\/<service>/],
    ['Nope/web', /project name/],
  ])('refuses the path %s', async (path, message) => {
    const result = await push('owner', path);
    expect(result.code).not.toBe(0);
    expect(result.out).toMatch(message);
  });

  it('runs no other command and opens no shell', async () => {
    const ssh = (...extra: string[]) => run('ssh', ['-i', keyFile('owner'), '-o', 'IdentitiesOnly=yes', '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(spur.sshPort), 'git@127.0.0.1', ...extra]);
    const ls = await ssh('ls');
    expect(ls.code).toBe(1);
    expect(ls.out.trim()).toBe('spur: Spur runs only git push and git fetch here; there is no shell');
    const shell = await ssh('-T');
    expect(shell.code).toBe(1);
    expect(shell.out.trim()).toBe('spur: Spur runs only git push and git fetch here; there is no shell');
    const sneaky = await ssh(`git-upload-pack '${project}/web'; touch /tmp/spur-ssh-pwned`);
    expect(sneaky.code).toBe(1);
    expect((await run('test', ['-e', '/tmp/spur-ssh-pwned'])).code).toBe(1);
  });

  it('clones a private repository over SSH with the deploy key Spur generated', async () => {
    const created = await cli(spur, ['service', 'create', project, 'mirror', '--git', `ssh://git@${PRIVATE_HOST}:${spur.sshPort}/${project}/web`]);
    expect(created.code, created.stderr).toBe(0);
    const access = JSON.parse((await cli(spur, ['git', project, 'mirror', '--json'])).stdout);
    expect(access.deployKey).toMatch(/^ssh-ed25519 AAAA\S+ spur-/);
    expect(JSON.stringify(access)).not.toContain('PRIVATE KEY');
    const deployed = await cli(spur, ['deploy', project, 'mirror']);
    expect(deployed.code, deployed.stderr + deployed.stdout).toBe(0);
    expect((await probe(`spur_${project}_production`, 'http://mirror:3000/')).body).toBe('hello from push3\n');
    expect(spur.output()).not.toContain('PRIVATE KEY');
  });
});
