// App tier: the Servers API — owners only; refused input changes nothing; a server that cannot
// be reached fails its enrollment with the step and the reason, and is then only forgotten; the
// key is Spur's one ed25519 key, its private half never shown. No Docker needed (it is absent).
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { createNodeRecord, updateNode } from '../store/nodes.js';
import { serversView } from '../actions/servers.js';
import { apiAs, makeTestApp, ownerAndMember } from '../../test/app-fixture.js';

let deps: Deps;
let call: ReturnType<typeof apiAs>;

beforeEach(async () => {
  const made = await makeTestApp();
  deps = made.deps;
  call = apiAs(made.app, (await ownerAndMember(deps)).tokens);
});

describe('the Servers API', () => {
  it('is an owner’s: a member can neither list nor add servers', async () => {
    expect((await call('member', 'GET', '/servers')).status).toBe(403);
    expect((await call('member', 'POST', '/servers', { address: 'root@127.0.0.1', port: 1 })).status).toBe(403);
    expect((await call('member', 'DELETE', '/servers/x')).status).toBe(403);
    expect(await deps.db.selectFrom('nodes').selectAll().execute()).toEqual([]);
  });

  it('shows Spur’s own public key, the same every time, never its private half', async () => {
    const first = await call('owner', 'GET', '/servers');
    expect(first.json.publicKey).toMatch(/^ssh-ed25519 AAAA\S+ spur$/);
    expect((await call('owner', 'GET', '/servers')).json.publicKey).toBe(first.json.publicKey);
    expect(JSON.stringify(first.json)).not.toContain('PRIVATE KEY');
    const stored = await deps.db.selectFrom('settings').select('value').where('key', '=', 'node_key').executeTakeFirstOrThrow();
    expect(stored.value).not.toContain('PRIVATE KEY');
  });

  it('refuses bad addresses, ports and names with 400 and records nothing', async () => {
    for (const body of [{}, { address: 'root@x y' }, { address: 'root@host', port: 0 }, { address: 'root@host', port: 'ssh' }, { address: 'root@host', name: '-x' }, { address: 'root@host', password: 5 }]) {
      expect((await call('owner', 'POST', '/servers', body)).status, JSON.stringify(body)).toBe(400);
    }
    expect(await deps.db.selectFrom('nodes').selectAll().execute()).toEqual([]);
  });

  it('takes a password only with the host key fingerprint it may be sent to, refusing both otherwise with 400 and recording nothing', async () => {
    const noKey = await call('owner', 'POST', '/servers', { address: 'root@127.0.0.1', port: 1, password: 'secret' });
    expect(noKey.status).toBe(400);
    expect(noKey.json.error).toContain('hostKey: a password is sent only to the server whose host key this is: give its fingerprint (SHA256:…)');
    for (const hostKey of ['MD5:aa:bb', 'SHA256:short', `SHA256:${'A'.repeat(43)} extra`, 5]) {
      expect((await call('owner', 'POST', '/servers', { address: 'root@127.0.0.1', port: 1, password: 'secret', hostKey })).status, String(hostKey)).toBe(400);
    }
    expect(await deps.db.selectFrom('nodes').selectAll().execute()).toEqual([]);
  });

  it('hands the given host key (its trailing = dropped) to the connection with the password', async () => {
    const given = `SHA256:${'A'.repeat(43)}`;
    expect((await call('owner', 'POST', '/servers', { address: 'root@127.0.0.1', port: 1, name: 'keyed', password: 'secret', hostKey: `${given}=` })).status).toBe(202);
    await deps.servers.settled();
    // Nothing answers on port 1: the enrollment fails before any host key, but the given one was taken.
    expect((await call('owner', 'GET', '/servers/keyed')).json.server.error).toContain('ECONNREFUSED');
  });

  it('fails the enrollment of a server that does not answer, naming the step; the same server again is a conflict until it is removed', async () => {
    const added = await call('owner', 'POST', '/servers', { address: 'root@127.0.0.1', port: 1, name: 'gone' });
    expect(added.status).toBe(202);
    expect(added.json.server).toMatchObject({ name: 'gone', status: 'enrolling', address: 'root@127.0.0.1:1' });
    expect((await call('owner', 'POST', '/servers', { address: 'root@127.0.0.1', port: 1, name: 'again' })).status).toBe(409);
    await deps.servers.settled();
    const { server } = (await call('owner', 'GET', '/servers/gone')).json;
    expect(server.status).toBe('failed');
    expect(server.error).toBe('Connecting to root@127.0.0.1:1: cannot reach 127.0.0.1:1 over SSH (ECONNREFUSED)');
    expect(server.log).toContain('✗ Connecting to root@127.0.0.1:1: cannot reach');
    expect((await call('owner', 'POST', '/servers/gone/drain')).status).toBe(409);
    expect((await call('owner', 'POST', '/servers/gone/build-server')).status).toBe(409);
    expect((await call('member', 'POST', '/servers/gone/build-server')).status).toBe(403);
    expect((await call('owner', 'POST', '/servers/nowhere/build-server')).status).toBe(404);
    expect((await deps.db.selectFrom('nodes').select('build_server').executeTakeFirstOrThrow()).build_server).toBe(0);
    expect((await call('owner', 'DELETE', '/servers/gone')).status).toBe(200);
    expect((await call('owner', 'GET', '/servers/gone')).status).toBe(404);
  });

  it('marks one build server at a time: marking another moves the builds, unmarking gives them back to the manager', async () => {
    for (const [name, host] of [['b1', '10.0.0.1'], ['b2', '10.0.0.2']] as const) {
      const node = await createNodeRecord(deps.db, { name, host, port: 22, user: 'root' });
      await updateNode(deps.db, node.id, { status: 'ready' });
    }
    const marked = async () => ((await call('owner', 'GET', '/servers')).json.servers as { name: string; buildServer: boolean }[]).filter((s) => s.buildServer).map((s) => s.name);
    expect(await marked()).toEqual([]);
    expect((await call('owner', 'POST', '/servers/b1/build-server')).json.server).toMatchObject({ name: 'b1', buildServer: true });
    expect(await marked()).toEqual(['b1']);
    expect((await call('owner', 'POST', '/servers/b2/build-server')).status).toBe(200);
    expect(await marked()).toEqual(['b2']);
    expect((await call('owner', 'DELETE', '/servers/b1/build-server')).status).toBe(200);
    expect(await marked()).toEqual(['b2']);
    expect((await call('owner', 'DELETE', '/servers/b2/build-server')).json.server.buildServer).toBe(false);
    expect(await marked()).toEqual([]);
  });

  it('names a server after its address when no name is given', async () => {
    const added = await call('owner', 'POST', '/servers', { address: '127.0.0.1', port: 1 });
    expect(added.json.server.name).toBe('node-127-0-0-1');
    await deps.servers.settled();
  });
});

describe('a node that joined the Swarm without Spur', () => {
  it('is shown with a warning saying it gets no task and how to remove it and make its token worthless', async () => {
    const node = (id: string, role: string, hostname: string, labels: Record<string, string> = {}) => ({ ID: id, Spec: { Role: role, Availability: 'active', Labels: labels }, Description: { Hostname: hostname }, Status: { State: 'ready', Addr: '10.77.0.9' } });
    const docker = { listNodes: async () => [node('managerid', 'manager', 'vm', { 'spur.enrolled': 'true' }), node('strangerid', 'worker', 'stranger')], listTasks: async () => [] };
    const { servers } = await serversView({ ...deps, daemon: { ...deps.daemon, ready: true }, docker } as unknown as Deps, { id: 1, email: 'o@example.com', role: 'owner' });
    expect(servers.map((s) => [s.name, s.role, s.enrolled, s.error])).toEqual([
      ['vm', 'manager', false, null],
      ['stranger', 'worker', false, 'joined the Swarm without Spur: no task of this Spur runs there. If you do not know it, run `docker node rm --force strangerid` and `docker swarm join-token --rotate worker` on this server'],
    ]);
  });
});
