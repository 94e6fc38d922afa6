// Volume backups on a real Swarm: files written into a service's volume are backed up (the
// service paused while it is read, serving again after), changed, and restored — into the volume
// itself (the serving version redeployed onto a new Docker volume, the old one kept) and into a
// new volume — giving back exactly the files backed up; retention, the schedule and bad input.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, docker, eventually, probe, startGitStack, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { expectReadmeWalked } from './readme.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const project = uniqueName('vb');
const call = () => api(spur, token);
const backupsPath = () => `/projects/${project}/services/web/volumes/data/backups`;

const walked: string[] = [];
const quoted = (a: string) => (/[\s*$]/.test(a) ? `"${a}"` : a);
function user(args: string[]) {
  walked.push(['spur', ...args].map(quoted).join(' ').replaceAll(project, 'shop'));
  return cli(spur, args);
}

/** Runs a node script in a one-off container of the serving version (the volume mounted). */
async function node(script: string) {
  const ran = await cli(spur, ['run', project, 'web', '--', 'node', '-e', script]);
  expect(ran.code, ran.stderr).toBe(0);
  return ran.stdout.trim();
}

/** Every file under `dir` with the SHA-256 of its bytes, and every directory. */
const snapshot = (dir: string) =>
  node(`const fs=require('fs'),p=require('path'),c=require('crypto');const out={};const walk=(d)=>{for(const e of fs.readdirSync(d,{withFileTypes:true}).sort((a,b)=>a.name<b.name?-1:1)){const f=p.join(d,e.name);if(e.isDirectory()){out[p.relative('${dir}',f)+'/']='dir';walk(f);}else out[p.relative('${dir}',f)]=c.createHash('sha256').update(fs.readFileSync(f)).digest('hex');}};walk('${dir}');console.log(JSON.stringify(out))`).then((s) => JSON.parse(s) as Record<string, string>);

const network = `spur_${project}_production`;

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack());
  const repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('v1'), 'v1');
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['volumes', 'add', project, 'web', 'data', '/data'])).code).toBe(0);
  const deployed = await cli(spur, ['deploy', project, 'web']);
  expect(deployed.code, deployed.stderr).toBe(0);
}, 300_000);

afterAll(() => stopAll({ spur, git }, [project]));

describe('volume backups', () => {
  let backedUp: Record<string, string>;
  let first: number;

  it('backs a volume up: a gzipped tar with its SHA-256, the service serving again after its pause', async () => {
    await node(`const fs=require('fs');fs.mkdirSync('/data/uploads/2026',{recursive:true});fs.writeFileSync('/data/notes.txt','first words\\n');fs.writeFileSync('/data/uploads/2026/logo.bin',Buffer.from([0,1,2,254,255]));fs.writeFileSync('/data/empty','')`);
    backedUp = await snapshot('/data');
    expect(Object.keys(backedUp).sort()).toEqual(['empty', 'notes.txt', 'uploads/', 'uploads/2026/', 'uploads/2026/logo.bin']);
    const made = await user(['volumes', 'backup', project, 'web', 'data']);
    expect(made.code, made.stderr).toBe(0);
    const [, id, size, sha] = /^Backed up volume data: backup #(\d+), (\d+) bytes, sha256 ([0-9a-f]{64})$/.exec(made.stdout.trim()) ?? [];
    expect(id, made.stdout).toBeDefined();
    first = Number(id);
    const { backups } = (await call()('GET', backupsPath())).json;
    expect(backups[0]).toMatchObject({ id: first, status: 'ok', size: Number(size), sha256: sha, trigger: 'manual', remote: null });
    const file = `${spur.dataDir}/backups/volumes/${project}/production/web/data/${backups[0].createdAt.replace(/[:.]/g, '-')}-${first}.tar.gz`;
    expect(createHash('sha256').update(readFileSync(file)).digest('hex')).toBe(sha);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hello from v1');
    expect(await docker('ps', '--filter', `label=spur.project=${project}`, '--filter', 'status=paused', '-q')).toBe('');
    expect(await docker('ps', '-a', '--filter', 'label=spur.volume-helper', '-q')).toBe('');
  });

  it('restores into the volume itself: the serving version comes back on the backed-up files, the replaced ones kept aside', async () => {
    await node(`const fs=require('fs');fs.writeFileSync('/data/notes.txt','changed\\n');fs.rmSync('/data/uploads',{recursive:true});fs.writeFileSync('/data/new.txt','not in the backup')`);
    expect(await snapshot('/data')).not.toEqual(backedUp);
    const refused = await cli(spur, ['volumes', 'restore', project, 'web', 'data', String(first)]);
    expect(refused.code).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^spur: restore replaces data's files: say --yes/);
    const restored = await user(['volumes', 'restore', project, 'web', 'data', String(first), '--yes']);
    expect(restored.code, restored.stderr).toBe(0);
    const [, deployment, previous] = /; deployment #(\d+) mounts it\. The files it had stay in Docker volume (\S+)\.$/.exec(restored.stdout.trim()) ?? [];
    expect(deployment, restored.stdout).toBeDefined();
    expect((await waitForDeployment(spur, token, Number(deployment))).status).toBe('active');
    expect(await snapshot('/data')).toEqual(backedUp);
    expect(await docker('volume', 'ls', '-q', '--filter', `name=^${previous}$`)).toBe(previous);
    expect((await probe(network, 'http://web:3000/')).body.trim()).toBe('hello from v1');
  });

  it('restores into a new volume beside it, mounted from the next deploy', async () => {
    const restored = await user(['volumes', 'restore', project, 'web', 'data', String(first), '--into', 'data-copy', '--path', '/restored']);
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout.trim()).toMatch(/^Restored backup #\d+ into new volume data-copy \(Docker volume \S+\); the next deploy mounts it\.$/);
    const deployed = await cli(spur, ['deploy', project, 'web']);
    expect(deployed.code, deployed.stderr).toBe(0);
    expect(await snapshot('/restored')).toEqual(backedUp);
  });

  it('keeps as many as its retention says, and takes them on its schedule', async () => {
    const daily = await user(['volumes', 'set', project, 'web', 'data', '--schedule', '0 3 * * *', '--keep', '7']);
    expect(daily.stdout.trim()).toBe('Volume data: backed up on 0 3 * * * (UTC); keeps 7');
    const listed = await user(['volumes', 'backups', project, 'web', 'data']);
    expect(listed.stdout.split('\n')[0]).toMatch(/^Volume data: backed up on 0 3 \* \* \* \(UTC\), next \d{4}-\d\d-\d\dT03:00:00\.000Z; keeps 7$/);
    const set = await cli(spur, ['volumes', 'set', project, 'web', 'data', '--schedule', '* * * * *', '--keep', '2']);
    expect(set.stdout.trim()).toBe('Volume data: backed up on * * * * * (UTC); keeps 2');
    const scheduled = await eventually('a scheduled backup', async () => {
      const { backups } = (await call()('GET', backupsPath())).json;
      return backups.find((b: { trigger: string; status: string }) => b.trigger === 'schedule' && b.status === 'ok');
    }, 75_000);
    expect(scheduled.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await cli(spur, ['volumes', 'set', project, 'web', 'data', '--schedule', 'none', '--keep', '1'])).code).toBe(0);
    // (A scheduled backup under way as the schedule was taken off is pruned once it ends.)
    let last = '';
    const after = await eventually('one backup kept', async () => {
      const listed = await cli(spur, ['volumes', 'backups', project, 'web', 'data']);
      last = listed.stdout + listed.stderr;
      return listed.stdout.trim().split('\n').length === 2 ? listed.stdout.trim().split('\n') : undefined;
    }, 30_000).catch((err) => {
      throw new Error(`${err}; last listed:\n${last}`);
    });
    expect(after[0]).toBe('Volume data: backed up only when asked; keeps 1');
  });

  it('refuses bad input in one line, changing nothing', async () => {
    const before = (await call()('GET', backupsPath())).json;
    expect((await call()('POST', `/projects/${project}/services/web/volumes/data/restore`, { backup: 999999 })).status).toBe(404);
    expect((await call()('POST', `/projects/${project}/services/web/volumes/data/restore`, { backup: 'x' })).status).toBe(400);
    expect((await call()('POST', `/projects/${project}/services/web/volumes/data/restore`, { backup: before.backups[0].id, into: 'x' })).status).toBe(400);
    expect((await call()('POST', `/projects/${project}/services/web/volumes/data/restore`, { backup: before.backups[0].id, into: 'y', mountPath: '../etc' })).status).toBe(400);
    expect((await call()('PATCH', `/projects/${project}/services/web/volumes/data`, { schedule: '61 * * * *' })).status).toBe(400);
    expect((await call()('PATCH', `/projects/${project}/services/web/volumes/data`, { keep: 0 })).status).toBe(400);
    expect((await call()('PATCH', `/projects/${project}/services/web/volumes/data`, {})).status).toBe(400);
    // A new volume's name or mount path taken: refused before any Docker volume is filled.
    const volumesBefore = await docker('volume', 'ls', '-q', '--filter', `label=spur.project=${project}`);
    expect((await call()('POST', `/projects/${project}/services/web/volumes/data/restore`, { backup: before.backups[0].id, into: 'data-copy', mountPath: '/elsewhere' })).status).toBe(409);
    expect((await call()('POST', `/projects/${project}/services/web/volumes/data/restore`, { backup: before.backups[0].id, into: 'other', mountPath: '/data' })).status).toBe(409);
    expect(await docker('volume', 'ls', '-q', '--filter', `label=spur.project=${project}`)).toBe(volumesBefore);
    expect((await call()('POST', `/projects/${project}/services/web/volumes/nothing/backups`)).status).toBe(404);
    expect((await call()('GET', backupsPath())).json).toEqual(before);
    expect((await call()('GET', `/projects/${project}/services/web/volumes`)).json.volumes.map((v: { name: string }) => v.name)).toEqual(['data', 'data-copy']);
  });

  it('has walked the README\'s "Volume backups"', () => expectReadmeWalked('Volume backups', walked));
});
