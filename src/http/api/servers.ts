// The servers of the Swarm (an owner's): enrolled over SSH, drained, activated, removed.
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as servers from '../../actions/servers.js';
import type { ApiRoutes } from './door.js';
import { json } from './schemas.js';

const ServerView = z.object({
  name: z.string(),
  nodeId: z.string().nullable().describe("Its Swarm node's id; null for a server not (yet) in the Swarm"),
  hostname: z.string().nullable(),
  address: z.string().nullable(),
  role: z.enum(['manager', 'worker']),
  state: z.string().describe("The Swarm's view: ready, down, unknown; or, for a server not (yet) in the Swarm, its enrollment"),
  availability: z.string().nullable(),
  status: z.string().describe('enrolling, ready, failed, …'),
  error: z.string().nullable(),
  dockerVersion: z.string().nullable(),
  cpus: z.number().nullable(),
  memoryMb: z.number().nullable(),
  runningTasks: z.number().int(),
  disk: z.object({ totalBytes: z.number(), freeBytes: z.number() }).nullable().describe('Where Docker keeps its data; null when the server cannot be asked'),
  hostKeyFingerprint: z.string().nullable(),
  enrolled: z.boolean().describe('Enrolled by Spur over SSH (the manager, this server, is not)'),
  buildServer: z.boolean().describe('Builds run here'),
});
const ServerDetail = ServerView.extend({ log: z.string().nullable().describe('The enrollment log; null for a server Spur did not enrol') });
const Server = z.object({ server: ServerDetail });

const Metrics = z.object({
  range: z.string(),
  stepS: z.number().describe('Seconds each point covers'),
  points: z.array(z.record(z.string(), z.unknown())).describe('CPU, memory, network, disk, load and tasks, one point a step'),
  deployments: z.array(z.object({ id: z.number().int(), status: z.string(), at: z.string() })),
  exits: z.array(z.object({ at: z.string(), slot: z.number().int().nullable(), exitCode: z.number().int().nullable(), reason: z.string() })),
});

const NewServer = z.strictObject({
  address: z.string().describe('user@host or host (user root), such as root@10.0.0.2 or deploy@node2.example.com'),
  port: z.union([z.number().int(), z.string()]).nullable().optional().describe('The SSH port, a number or a numeric string (22 when left out)'),
  name: z.string().nullable().optional().describe('Lowercase letters, digits and hyphens, at most 30 (from the host when left out)'),
  password: z.string().nullable().optional().describe("The login's password, used once to install Spur's key and never stored; needs hostKey"),
  hostKey: z.string().nullable().optional().describe('The server\'s host key fingerprint, SHA256:…, as `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints it there'),
});

export function serverRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Servers');
  r.get(
    '/servers',
    {
      summary: 'The servers of the Swarm, with their state and resources (owners)',
      answers: [json(200, 'The servers', z.object({ servers: z.array(ServerView), publicKey: z.string().describe("Spur's SSH public key, for a server's authorized_keys"), swarm: z.boolean() }))],
    },
    async (c) => c.json(await servers.serversView(deps, c.get('user'))),
  );
  r.post(
    '/servers',
    {
      summary: 'Enrol a server over SSH (owners)',
      description: 'Answers at once; the enrollment goes on (GET /servers/{name} shows its log and status). Spur logs in with its own key, or once with a password when hostKey names the server.',
      body: NewServer,
      answers: [json(202, 'The enrollment started', z.object({ server: z.object({ name: z.string(), address: z.string(), status: z.string(), error: z.string().nullable(), hostKeyFingerprint: z.string().nullable(), enrolled: z.boolean(), buildServer: z.boolean(), log: z.string() }) }))],
    },
    async (c, { body }) => c.json({ server: await servers.addServer(deps, c.get('user'), body) }, 202),
  );
  r.get('/servers/:name', { summary: 'A server, with its enrollment log (owners)', answers: [json(200, 'The server', Server)] }, async (c, { params }) =>
    c.json({ server: await servers.serverDetail(deps, c.get('user'), params.name) }),
  );
  r.get(
    '/servers/:name/metrics',
    { summary: "A server's CPU, memory, network, disk, load and running tasks over a range (owners)", query: z.object({ range: z.string().optional().describe('hour (the default), day, week or 90d') }), answers: [json(200, 'The metrics', Metrics)] },
    async (c, { params, query }) => c.json(await servers.serverMetrics(deps, c.get('user'), params.name, query.range)),
  );
  r.post('/servers/:name/drain', { summary: "Move this Spur's tasks off a server and place nothing there (owners)", answers: [json(200, 'The server, drained', Server)] }, async (c, { params }) =>
    c.json({ server: await servers.changeServer(deps, c.get('user'), params.name, 'drain') }),
  );
  r.post('/servers/:name/activate', { summary: 'Let tasks run on a drained server again (owners)', answers: [json(200, 'The server, active', Server)] }, async (c, { params }) =>
    c.json({ server: await servers.changeServer(deps, c.get('user'), params.name, 'activate') }),
  );
  r.post('/servers/:name/build-server', { summary: 'Run the builds on this server (owners)', answers: [json(200, 'The server, now the build server', Server)] }, async (c, { params }) =>
    c.json({ server: await servers.changeServer(deps, c.get('user'), params.name, 'build-here') }),
  );
  r.delete('/servers/:name/build-server', { summary: 'Run the builds on the manager again (owners)', answers: [json(200, 'The server, no longer the build server', Server)] }, async (c, { params }) =>
    c.json({ server: await servers.changeServer(deps, c.get('user'), params.name, 'build-on-manager') }),
  );
  r.delete('/servers/:name', { summary: 'Remove a server from the Swarm (owners)', answers: [json(200, 'Removed', z.object({ removed: z.string() }))] }, async (c, { params }) => {
    await servers.removeServer(deps, c.get('user'), params.name);
    return c.json({ removed: params.name });
  });
}
