// `--json`: each client command prints the API's answer to its request as it came, which is what
// the OpenAPI document (the door's declarations) says that route answers. Every command runs here
// against a real Spur app over HTTP (Docker away), and what it printed is checked both against
// the answer the server sent and against the route's declared schema.
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { teamWorld } from '../../test/app-fixture.js';
import { answerProblems, routeOf } from '../../test/api-answers.js';
import { createApiToken } from '../store/users.js';
import { clientCommands } from './client-commands.js';

type Answer = { method: string; path: string; status: number; type: string; text: string };
type Got = Record<string, string>;
interface Case {
  argv: string[] | ((got: Got) => string[]);
  /** Whose token: the owner's unless said. */
  as?: 'owner' | 'developer' | 'viewer';
  /** Keeps something of the answer for a later case (an id it made). */
  keep?: (answer: any, got: Got) => void;
}

/** In the order they run: reads, then changes, then removals (one world for them all). */
const CASES: Case[] = [
  { argv: ['project', 'list'] },
  { argv: ['project', 'create', 'newp'] },
  { argv: ['project', 'env', 'newp', 'qa'] },
  { argv: ['service', 'create', 'newp', 'api', '--image', 'nginx'] },
  { argv: ['service', 'source', 'newp', 'api', '--image', 'nginx:1.27'] },
  { argv: ['service', 'create', 'newp', 'site', '--git', 'https://203.0.113.9/acme/site.git'] },
  { argv: ['vars', 'list', 'shop', 'web'] },
  { argv: ['vars', 'list', 'shop', 'shared', '--env', 'staging'] },
  { argv: ['vars', 'set', 'shop', 'web', 'B=1', 'C=2'] },
  { argv: ['vars', 'unset', 'shop', 'web', 'C'] },
  { argv: (g) => ['vars', 'replace', 'shop', 'web', g.envFile, '--dry-run'] },
  // A developer's change in protected production becomes a request (202).
  { argv: ['vars', 'set', 'shop', 'web', 'D=1'], as: 'developer', keep: (a, g) => (g.request = a.request.id) },
  { argv: (g) => ['cancel-request', String(g.request)], as: 'developer' },
  { argv: ['vars', 'set', 'shop', 'web', 'E=1'], as: 'developer', keep: (a, g) => (g.request = a.request.id) },
  { argv: (g) => ['reject', String(g.request), '--reason', 'not now'] },
  { argv: ['vars', 'set', 'shop', 'web', 'F=1'], as: 'developer', keep: (a, g) => (g.request = a.request.id) },
  { argv: (g) => ['approve', String(g.request)] },
  { argv: ['requests', 'shop'] },
  { argv: ['deployments', 'shop', 'web'] },
  { argv: ['build', 'plan', 'shop', 'web'] },
  { argv: ['git', 'newp', 'site'] },
  { argv: ['git', 'newp', 'site', '--https-token', 'a-read-only-token'] },
  { argv: ['keys', 'list'] },
  { argv: (g) => ['keys', 'add', g.keyFile, '--name', 'desk'], keep: (a, g) => (g.key = a.key.id) },
  { argv: (g) => ['keys', 'remove', String(g.key)] },
  { argv: ['member', 'list', 'shop'] },
  { argv: ['member', 'shop', 'bystander@example.com', '--role', 'developer'] },
  { argv: ['member', 'remove', 'shop', 'bystander@example.com'] },
  { argv: ['invite', 'shop', 'guest@example.com'], keep: (a, g) => (g.invitation = a.invitation.id) },
  { argv: ['invitations', 'shop'] },
  { argv: (g) => ['invitations', 'revoke', 'shop', String(g.invitation)] },
  { argv: ['tokens'] },
  { argv: ['token', 'list'] },
  { argv: ['token', 'create', '--name', 'ci', '--scope', 'read'], keep: (a, g) => (g.token = a.token.id) },
  { argv: (g) => ['token', 'revoke', String(g.token)] },
  { argv: ['protect', 'shop', 'staging'] },
  { argv: ['unprotect', 'shop', 'staging'] },
  { argv: ['audit', '--limit', '5'] },
  { argv: ['audit', '--project', 'shop', '--action', 'variables'] },
  { argv: ['audit', '--all'] },
  { argv: ['audit', 'verify'] },
  { argv: ['domains', 'list', 'shop', 'web'] },
  { argv: ['domains', 'add', 'shop', 'web', 'shop-new.example'] },
  { argv: ['domains', 'set', 'shop', 'web', 'shop-new.example', '--hsts', 'on'] },
  { argv: ['domains', 'remove', 'shop', 'web', 'shop-new.example'] },
  { argv: ['instance'] },
  { argv: ['sso'] },
  { argv: ['db', 'list', 'shop'] },
  { argv: ['db', 'info', 'shop', 'pg'] },
  { argv: ['db', 'info', 'shop', 'pg', '--show-credentials'] },
  { argv: ['db', 'backups', 'shop', 'pg'] },
  { argv: ['db', 'set', 'shop', 'pg', '--keep', '3'] },
  { argv: ['volumes', 'list', 'shop', 'web'] },
  { argv: ['volumes', 'add', 'shop', 'web', 'cache', '/cache'] },
  { argv: ['volumes', 'backups', 'shop', 'web', 'data'] },
  { argv: ['volumes', 'set', 'shop', 'web', 'data', '--keep', '4'] },
  { argv: ['volumes', 'remove', 'shop', 'web', 'cache'] },
  { argv: ['compose', 'ls', 'shop'] },
  { argv: ['compose', 'ps', 'shop', 'stack', '--env', 'staging'] },
  { argv: ['compose', 'history', 'shop', 'stack', '--env', 'staging'] },
  { argv: (g) => ['compose', 'up', 'newp', 'duo', '-f', g.composeFile, '--no-deploy'] },
  { argv: ['templates', 'list', '--search', 'blog'] },
  { argv: ['templates', 'show', 'ghost'] },
  { argv: ['templates', 'deploy', 'newp', 'ghost', '--name', 'blog', '--no-deploy'] },
  { argv: ['jobs', 'list', 'shop', 'web', '--env', 'staging'] },
  { argv: ['jobs', 'add', 'shop', 'web', 'weekly', '--schedule', '0 4 * * 1', '--command', 'node weekly.js', '--env', 'staging'] },
  { argv: ['jobs', 'set', 'shop', 'web', 'weekly', '--timeout', '90', '--env', 'staging'] },
  { argv: ['jobs', 'runs', 'shop', 'web', 'weekly', '--env', 'staging'] },
  { argv: ['jobs', 'remove', 'shop', 'web', 'weekly', '--env', 'staging'] },
  { argv: ['events', 'shop', '--limit', '5'] },
  { argv: ['webhooks', 'list', 'shop'] },
  { argv: ['webhooks', 'add', 'shop', 'deploys', '--url', 'https://hooks.example.com/spur'], keep: (a, g) => (g.webhook = a.webhook.id) },
  { argv: (g) => ['webhooks', 'deliveries', 'shop', String(g.fixtureWebhook)] },
  { argv: (g) => ['webhooks', 'redeliver', 'shop', String(g.fixtureWebhook), String(g.fixtureDelivery)] },
  // It answers 204 No Content: nothing is printed.
  { argv: (g) => ['webhooks', 'remove', 'shop', String(g.webhook)] },
  { argv: ['previews', 'list', 'shop'] },
  { argv: ['previews', 'on', 'newp', 'site', '--base', 'qa'] },
  { argv: ['previews', 'off', 'newp', 'site'] },
  { argv: ['node', 'key'] },
  { argv: ['node', 'list'] },
  { argv: ['node', 'show', 'n1'] },
  { argv: ['settings', 'shop', 'web'] },
  { argv: ['settings', 'shop', 'web', '--stop-grace', '20'] },
  { argv: ['cancel', 'shop', 'web'] },
  { argv: ['canary', 'shop', 'web', 'next'] },
  { argv: (g) => ['login', g.url, '--token', g.ownerToken] },
  { argv: ['member', 'leave', 'shop'], as: 'viewer' },
];

/** Every form of every client command, as `spur help` lists them: each has a case above, or a
 *  reason below. */
const FORMS = [
  'login', 'project list', 'project create', 'project env', 'project env delete', 'project delete',
  'service create', 'service create --deploy', 'service source', 'service delete', 'vars list', 'vars set', 'vars unset', 'vars replace',
  'deploy', 'build plan', 'status', 'deployments', 'logs', 'rollback', 'promote', 'run', 'cancel', 'canary', 'scale', 'settings',
  'git', 'keys list', 'keys add', 'keys remove', 'member list', 'member', 'member remove', 'member leave', 'invite', 'invitations', 'invitations revoke',
  'tokens', 'token list', 'token create', 'token revoke', 'protect', 'unprotect', 'requests', 'approve', 'reject', 'cancel-request', 'audit', 'audit verify',
  'domains list', 'domains add', 'domains set', 'domains remove', 'instance', 'sso',
  'db create', 'db list', 'db info', 'db set', 'db logs', 'db restart', 'db backup', 'db backups', 'db download', 'db restore', 'db delete',
  'volumes add', 'volumes list', 'volumes remove', 'volumes backup', 'volumes backups', 'volumes set', 'volumes restore',
  'compose up', 'compose ls', 'compose ps', 'compose history', 'compose rollback', 'compose rm', 'templates list', 'templates show', 'templates deploy',
  'jobs list', 'jobs add', 'jobs set', 'jobs remove', 'jobs run', 'jobs runs', 'events', 'events --follow', 'webhooks list', 'webhooks add', 'webhooks remove', 'webhooks deliveries', 'webhooks redeliver',
  'previews on', 'previews off', 'previews list', 'node key', 'node list', 'node show', 'node add', 'node drain', 'node activate', 'node build-server', 'node remove', 'mcp',
];

/** Forms not run here, each with why and where its --json is checked. */
const NOT_HERE: Record<string, string> = {
  deploy: 'follows the deployment to its end (no deployer here); test/deploy.test.ts checks its --json',
  'service create --deploy': 'follows the deployment to its end, as deploy does; not checked',
  'db create': 'starts the database as a Swarm service; not checked',
  'db logs': "reads Docker's log lines; not checked",
  'db restart': 'restarts the Swarm service; not checked',
  'db backup': "runs the engine's dump in a container; not checked",
  'db download': 'writes the backup file (an octet-stream answer) and prints {file, size}; not checked',
  'db restore': 'runs the restore in a container; not checked',
  'db delete': 'removes the Swarm service; not checked',
  'volumes backup': 'archives the volume in a container; not checked',
  'volumes restore': 'restores in a container; not checked',
  'compose rollback': 'follows the group deployment to its end; not checked',
  'jobs run': 'runs a container from the serving image; not checked',
  'node add': 'enrolls a server over SSH; not checked',
  'node drain': 'changes the Swarm node; not checked',
  'node activate': 'changes the Swarm node; not checked',
  'node build-server': "checks the server's Docker; not checked",
  'node remove': 'takes the server out of the Swarm; not checked',
  rollback: 'follows the deployment to its end; test/deploy.test.ts checks its --json',
  promote: 'follows the deployment to its end, as deploy does; not checked',
  status: 'reads the running tasks from Docker; test/operations.test.ts checks its --json',
  scale: 'changes the Swarm service; test/operations.test.ts checks its --json',
  logs: "streams Docker's log lines, each printed as the stream's JSON data; not checked",
  run: "runs a container from the serving image, each output and the exit printed as the stream's JSON data; not checked",
  mcp: 'is an MCP server on standard input and output, not a command with an answer',
  // Removals of what runs (Docker away here answers 503).
  'service delete': 'removes the Swarm services; test/deletion.test.ts checks its --json',
  'project delete': 'removes the Swarm services and networks; not checked',
  'project env delete': 'removes the Swarm services and network; not checked',
  'compose rm': 'removes the Swarm services; not checked',
};

/** The body as the client reads it (Spur compresses what it answers). */
async function bodyText(res: Response): Promise<string> {
  const raw = Buffer.from(await res.arrayBuffer());
  const encoding = res.headers.get('Content-Encoding');
  return (encoding === 'gzip' ? gunzipSync(raw) : encoding === 'br' ? brotliDecompressSync(raw) : encoding === 'deflate' ? inflateSync(raw) : raw).toString('utf8');
}

const answers: Answer[] = [];
let server: ReturnType<typeof serve>;
const got: Got = {};
let tokens: Record<string, string>;
let world: Awaited<ReturnType<typeof teamWorld>>;

beforeAll(async () => {
  const w = await teamWorld();
  world = w;
  tokens = w.tokens;
  server = serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: async (req, env) => {
      const res = await w.app.fetch(req, env);
      const url = new URL(req.url);
      if (url.pathname.startsWith('/api/v1/')) {
        const type = res.headers.get('Content-Type') ?? '';
        answers.push({ method: req.method, path: url.pathname.slice('/api/v1'.length), status: res.status, type, text: type.includes('event-stream') ? '' : await bodyText(res.clone()) });
      }
      return res;
    },
  });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const dir = mkdtempSync(join(tmpdir(), 'spur-json-'));
  got.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  got.ownerToken = tokens.owner;
  got.envFile = join(dir, 'web.env');
  writeFileSync(got.envFile, 'A=secret-a\nB=2\n');
  got.keyFile = join(dir, 'desk.pub');
  const { generateKeyPairSync } = await import('node:crypto');
  const raw = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const part = (b: Buffer) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
  writeFileSync(got.keyFile, `ssh-ed25519 ${Buffer.concat([part(Buffer.from('ssh-ed25519')), part(raw)]).toString('base64')} desk\n`);
  got.composeFile = join(dir, 'compose.yml');
  writeFileSync(got.composeFile, 'services:\n  front:\n    image: nginx:1.27\n    ports: ["80"]\n  back:\n    image: redis:7\n');
  got.fixtureWebhook = String(w.ids.shop.webhook);
  got.fixtureDelivery = String(w.ids.shop.delivery);
  got.config = join(dir, 'cli.json');
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** Runs one command with --json as `who`: what it printed, and the API's answers to it. */
async function run(argv: string[], who: string) {
  const out: string[] = [];
  const first = answers.length;
  const env = { SPUR_URL: String(got.url), SPUR_TOKEN: tokens[who], SPUR_CONFIG: String(got.config) };
  await clientCommands[argv[0]]([...argv.slice(1), '--json'], { env, stdout: (l) => out.push(l), stderr: () => {} });
  return { printed: out.join('\n'), answered: answers.slice(first) };
}

describe('--json prints the API answer, as the OpenAPI document describes it', () => {
  it('has a case, or a reason it is not run here, for every form of every client command', () => {
    const argvs = CASES.map((c) => (typeof c.argv === 'function' ? c.argv(new Proxy({}, { get: () => 'x' })) : c.argv));
    // A form is run when a case starts with its words (the longest form that fits: `db info`, not `db`).
    const runs = (form: string) => argvs.some((argv) => {
      const words = form.split(' ');
      const fits = (f: string) => f.split(' ').every((w, i) => (w.startsWith('--') ? argv.includes(w) : argv[i] === w));
      return fits(form) && !FORMS.some((other) => other !== form && other.startsWith(`${words[0]} `) && other.split(' ').length > words.length && fits(other));
    });
    // events --follow has a test of its own, below.
    expect(FORMS.filter((form) => !runs(form) && !NOT_HERE[form] && form !== 'events --follow'), 'forms with neither a case nor a reason').toEqual([]);
    expect(FORMS.filter((form) => runs(form) && NOT_HERE[form]), 'forms with a case and a reason not to run').toEqual([]);
    expect(Object.keys(clientCommands).filter((name) => !FORMS.some((f) => f.split(' ')[0] === name)), 'client commands not in FORMS').toEqual([]);
    expect(Object.keys(NOT_HERE).filter((form) => !FORMS.includes(form)), 'reasons for forms that do not exist').toEqual([]);
  });

  it('prints, for each command, the answer of its last request, which matches the route’s declared schema', async () => {
    const wrong: string[] = [];
    for (const c of CASES) {
      const argv = typeof c.argv === 'function' ? c.argv(got) : c.argv;
      const name = argv.slice(0, 3).join(' ');
      let result: Awaited<ReturnType<typeof run>>;
      try {
        result = await run(argv, c.as ?? 'owner');
      } catch (err) {
        wrong.push(`${name}: failed: ${(err as Error).message}`);
        continue;
      }
      const last = result.answered.at(-1);
      if (!last) {
        wrong.push(`${name}: made no API request`);
        continue;
      }
      const route = routeOf(last.method, last.path);
      if (!route) {
        wrong.push(`${name}: ${last.method} ${last.path} is not a declared route`);
        continue;
      }
      const declared = route.route.answers.find((a) => a.status === last.status);
      if (last.status === 204) {
        if (result.printed !== '') wrong.push(`${name}: the API answered 204 No Content, yet it printed ${result.printed}`);
        continue;
      }
      if (!last.type.includes('json') || /jsonl|ndjson/.test(last.type)) {
        if (result.printed !== last.text.trimEnd()) wrong.push(`${name}: printed something other than the ${last.type} answer`);
        continue;
      }
      if (!declared?.schema && last.status !== 202) wrong.push(`${name}: ${route.key} answers ${last.status} with no declared schema`);
      let printed: unknown;
      try {
        printed = JSON.parse(result.printed);
      } catch {
        wrong.push(`${name}: printed what is not JSON: ${result.printed.slice(0, 120)}`);
        continue;
      }
      if (JSON.stringify(printed) !== JSON.stringify(JSON.parse(last.text))) wrong.push(`${name}: printed ${result.printed.slice(0, 160)}, not the answer of ${route.key}: ${last.text.slice(0, 160)}`);
      wrong.push(...answerProblems(route.key, { status: last.status, text: result.printed }).map((p) => `${name}: ${p}`));
      try {
        c.keep?.(printed, got);
      } catch {
        wrong.push(`${name}: the answer lacks what a later case needs`);
      }
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('events --follow prints each streamed event as the stream sent it, each as the events route describes one', async () => {
    const owner = await world.deps.db.selectFrom('users').select('id').where('email', '=', 'owner@example.com').executeTakeFirstOrThrow();
    tokens.follower = await createApiToken(world.deps.db, owner.id, 'follower');
    const out: string[] = [];
    const env = { SPUR_URL: String(got.url), SPUR_TOKEN: tokens.follower };
    const following = clientCommands.events(['shop', '--follow', '--after', '0', '--json'], { env, stdout: (l) => out.push(l), stderr: () => {} }).catch((err: Error) => err);
    await vi.waitFor(() => expect(out.length).toBeGreaterThan(0), { timeout: 5000 });
    // Revoked, the token stops hearing: the stream ends with a problem, which the command says.
    await world.deps.db.deleteFrom('api_tokens').where('name', '=', 'follower').execute();
    expect(await following).toMatchObject({ message: 'this API token no longer works: it was revoked, or its user removed' });
    const listed = (await world.call('owner', 'GET', `/projects/shop/events?after=0&limit=${out.length}`)).json.events;
    expect(out.map((l) => JSON.parse(l))).toEqual(listed);
    expect(answerProblems('GET /projects/:project/events', { status: 200, text: JSON.stringify({ events: out.map((l) => JSON.parse(l)) }) })).toEqual([]);
  });
});
