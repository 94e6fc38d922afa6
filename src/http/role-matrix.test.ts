// The role matrix, over the API: every route × every role (owner, admin, developer, viewer, and a
// user who is a member of no project) × the members' own project and another one. What the door
// (actions/access.ts, MAY) allows passes it; what it refuses is 403 in a project one may see and
// 404 in one one may not, and a refused request changes nothing: no row of any table, no call to
// the deployer; it is written once to the audit log, as refused. The cases come from one table; a route of the API missing from it fails the test,
// and so does an action of MAY that no route exercises.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MAY, type Action, SCOPES, type Scope, mayDo, scopeCovers } from '../actions/access.js';
import { createApiToken } from '../store/users.js';
import { MATRIX_USERS, type MatrixUser, teamWorld } from '../../test/app-fixture.js';
import { answerProblems } from '../../test/api-answers.js';

type Target = { project: string; deployment: number; backup: number; volumeBackup: number; composeDeployment: number; invitation: number; request: number; channel: number; installationChannel: number; rule: number; installationRule: number; webhook: number; delivery: number; tokenId: number; keyId: number };
/** One request of the matrix: the route it exercises (as the API declares it), and the action
 *  of MAY that decides it — or `self` (one's own account, anyone's) for the few that are not
 *  anyone's to refuse. */
interface Case {
  route: string;
  action: Action | 'self';
  path: (t: Target) => string;
  body?: unknown;
}

const s = (t: Target) => `/projects/${t.project}/services/web`;
const d = (t: Target) => `/projects/${t.project}/databases/pg`;
const CASES: Case[] = [
  { route: 'GET /openapi.json', action: 'self', path: () => '/openapi.json' },
  { route: 'GET /me', action: 'self', path: () => '/me' },
  { route: 'GET /health', action: 'self', path: () => '/health' },
  { route: 'GET /palette', action: 'self', path: () => '/palette?q=web' },
  { route: 'GET /update', action: 'self', path: () => '/update' },
  { route: 'POST /update', action: 'update.start', path: () => '/update' },
  { route: 'GET /settings', action: 'settings.change', path: () => '/settings' },
  { route: 'PATCH /settings', action: 'settings.change', path: () => '/settings', body: { acmeEmail: 'ops@example.com' } },
  { route: 'GET /settings/sso', action: 'settings.change', path: () => '/settings/sso' },
  { route: 'PATCH /settings/sso', action: 'settings.change', path: () => '/settings/sso', body: { passwordLogin: 'on' } },
  { route: 'GET /alerts/channels', action: 'settings.change', path: () => '/alerts/channels' },
  { route: 'POST /alerts/channels', action: 'settings.change', path: () => '/alerts/channels', body: { name: 'oncall', kind: 'email', to: 'oncall@example.com' } },
  { route: 'DELETE /alerts/channels/:id', action: 'settings.change', path: (t) => `/alerts/channels/${t.installationChannel}` },
  { route: 'POST /alerts/channels/:id/test', action: 'settings.change', path: (t) => `/alerts/channels/${t.installationChannel}/test` },
  { route: 'GET /alerts', action: 'settings.change', path: () => '/alerts' },
  { route: 'GET /alerts/rules', action: 'settings.change', path: () => '/alerts/rules' },
  { route: 'POST /alerts/rules', action: 'settings.change', path: () => '/alerts/rules', body: { name: 'disk90', target: 'servers', metric: 'disk_percent', op: '>', value: 90 } },
  { route: 'DELETE /alerts/rules/:id', action: 'settings.change', path: (t) => `/alerts/rules/${t.installationRule}` },
  { route: 'PUT /alerts/rules/built-in/:rule', action: 'settings.change', path: () => '/alerts/rules/built-in/update', body: { on: false } },
  { route: 'GET /projects/:project/alerts', action: 'project.read', path: (t) => `/projects/${t.project}/alerts` },
  { route: 'GET /projects/:project/alerts/rules', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/rules` },
  { route: 'POST /projects/:project/alerts/rules', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/rules`, body: { name: 'slow', target: 'services', metric: 'p95', op: '>', value: 500 } },
  { route: 'DELETE /projects/:project/alerts/rules/:id', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/rules/${t.rule}` },
  { route: 'PUT /projects/:project/alerts/rules/built-in/:rule', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/rules/built-in/memory`, body: { on: false } },
  { route: 'GET /projects/:project/alerts/channels', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/channels` },
  { route: 'POST /projects/:project/alerts/channels', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/channels`, body: { name: 'oncall', kind: 'email', to: 'oncall@example.com' } },
  { route: 'DELETE /projects/:project/alerts/channels/:id', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/channels/${t.channel}` },
  { route: 'POST /projects/:project/alerts/channels/:id/test', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/channels/${t.channel}/test` },
  { route: 'GET /projects/:project/events', action: 'project.read', path: (t) => `/projects/${t.project}/events` },
  { route: 'GET /projects/:project/events/stream', action: 'project.read', path: (t) => `/projects/${t.project}/events/stream?after=0` },
  { route: 'GET /projects/:project/webhooks', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks` },
  { route: 'POST /projects/:project/webhooks', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks`, body: { name: 'deploys', url: 'https://hooks.example.com/spur', types: ['deployment.active'] } },
  { route: 'DELETE /projects/:project/webhooks/:id', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks/${t.webhook}` },
  { route: 'GET /projects/:project/webhooks/:id/deliveries', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks/${t.webhook}/deliveries` },
  { route: 'POST /projects/:project/webhooks/:id/deliveries/:delivery/redeliver', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks/${t.webhook}/deliveries/${t.delivery}/redeliver` },
  { route: 'GET /servers', action: 'servers.manage', path: () => '/servers' },
  { route: 'POST /servers', action: 'servers.manage', path: () => '/servers', body: { name: 'n1', address: 'not an address' } },
  { route: 'GET /servers/:name', action: 'servers.manage', path: () => '/servers/n1' },
  { route: 'GET /servers/:name/metrics', action: 'servers.manage', path: () => '/servers/n1/metrics' },
  { route: 'POST /servers/:name/drain', action: 'servers.manage', path: () => '/servers/n1/drain' },
  { route: 'POST /servers/:name/activate', action: 'servers.manage', path: () => '/servers/n1/activate' },
  { route: 'POST /servers/:name/build-server', action: 'servers.manage', path: () => '/servers/n1/build-server' },
  { route: 'DELETE /servers/:name/build-server', action: 'servers.manage', path: () => '/servers/n1/build-server' },
  { route: 'DELETE /servers/:name', action: 'servers.manage', path: () => '/servers/n1' },
  { route: 'GET /users', action: 'users.manage', path: () => '/users' },
  { route: 'POST /users', action: 'users.manage', path: () => '/users', body: { email: 'new@example.com', role: 'member' } },
  { route: 'POST /users/:email/password', action: 'users.manage', path: () => '/users/bystander%40example.com/password', body: { password: 'a-long-new-password' } },
  { route: 'DELETE /users/:email', action: 'users.manage', path: () => '/users/bystander%40example.com' },
  { route: 'DELETE /users/:email/two-factor', action: 'users.manage', path: () => '/users/bystander%40example.com/two-factor' },
  { route: 'GET /tokens', action: 'tokens.read', path: () => '/tokens' },
  { route: 'POST /tokens', action: 'tokens.manage', path: () => '/tokens', body: { name: 'more', scope: 'read' } },
  { route: 'DELETE /tokens/:id', action: 'tokens.manage', path: (t) => `/tokens/${t.tokenId}` },
  { route: 'GET /keys', action: 'self', path: () => '/keys' },
  { route: 'POST /keys', action: 'keys.manage', path: () => '/keys', body: { name: 'k', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl k' } },
  { route: 'DELETE /keys/:id', action: 'keys.manage', path: (t) => `/keys/${t.keyId}` },
  { route: 'GET /projects', action: 'self', path: () => '/projects' },
  { route: 'POST /projects', action: 'project.create', path: () => '/projects', body: { name: 'fresh' } },
  { route: 'GET /projects/:project', action: 'project.read', path: (t) => `/projects/${t.project}` },
  { route: 'DELETE /projects/:project', action: 'project.delete', path: (t) => `/projects/${t.project}`, body: { confirm: 'placeholder' } },
  { route: 'POST /projects/:project/environments', action: 'environment.create', path: (t) => `/projects/${t.project}/environments`, body: { name: 'preview' } },
  { route: 'DELETE /projects/:project/environments/:environment', action: 'environment.delete', path: (t) => `/projects/${t.project}/environments/staging`, body: { confirm: 'staging' } },
  { route: 'GET /projects/:project/environments', action: 'project.read', path: (t) => `/projects/${t.project}/environments` },
  { route: 'PUT /projects/:project/environments/:environment/protection', action: 'environment.protect', path: (t) => `/projects/${t.project}/environments/staging/protection`, body: { protected: true } },
  { route: 'GET /projects/:project/requests', action: 'project.read', path: (t) => `/projects/${t.project}/requests` },
  { route: 'POST /projects/:project/requests/:id/approve', action: 'requests.decide', path: (t) => `/projects/${t.project}/requests/${t.request}/approve` },
  { route: 'POST /projects/:project/requests/:id/reject', action: 'requests.decide', path: (t) => `/projects/${t.project}/requests/${t.request}/reject`, body: { reason: 'no' } },
  { route: 'POST /projects/:project/requests/:id/cancel', action: 'requests.cancel', path: (t) => `/projects/${t.project}/requests/${t.request}/cancel` },
  { route: 'GET /projects/:project/members', action: 'members.manage', path: (t) => `/projects/${t.project}/members` },
  { route: 'POST /projects/:project/members', action: 'members.manage', path: (t) => `/projects/${t.project}/members`, body: { email: 'bystander@example.com', role: 'developer' } },
  { route: 'DELETE /projects/:project/members/:email', action: 'members.manage', path: (t) => `/projects/${t.project}/members/bystander%40example.com` },
  { route: 'POST /projects/:project/leave', action: 'project.leave', path: (t) => `/projects/${t.project}/leave` },
  { route: 'GET /projects/:project/invitations', action: 'members.manage', path: (t) => `/projects/${t.project}/invitations` },
  { route: 'POST /projects/:project/invitations', action: 'members.manage', path: (t) => `/projects/${t.project}/invitations`, body: { email: 'new@example.com', role: 'viewer' } },
  { route: 'DELETE /projects/:project/invitations/:id', action: 'members.manage', path: (t) => `/projects/${t.project}/invitations/${t.invitation}` },
  { route: 'GET /projects/:project/databases', action: 'project.read', path: (t) => `/projects/${t.project}/databases` },
  { route: 'POST /projects/:project/databases', action: 'database.create', path: (t) => `/projects/${t.project}/databases`, body: { name: 'cache', engine: 'redis' } },
  { route: 'GET /projects/:project/databases/:name', action: 'project.read', path: d },
  { route: 'PATCH /projects/:project/databases/:name', action: 'database.change', path: d, body: { keep: 3 } },
  { route: 'POST /projects/:project/databases/:name/restart', action: 'database.change', path: (t) => `${d(t)}/restart` },
  { route: 'GET /projects/:project/databases/:name/metrics', action: 'project.read', path: (t) => `${d(t)}/metrics` },
  { route: 'GET /projects/:project/databases/:name/logs', action: 'logs.read', path: (t) => `${d(t)}/logs` },
  { route: 'GET /projects/:project/databases/:name/credentials', action: 'database.credentials', path: (t) => `${d(t)}/credentials` },
  { route: 'GET /projects/:project/databases/:name/backups', action: 'project.read', path: (t) => `${d(t)}/backups` },
  { route: 'POST /projects/:project/databases/:name/backups', action: 'backups.create', path: (t) => `${d(t)}/backups` },
  { route: 'GET /projects/:project/databases/:name/backups/:id/file', action: 'backups.download', path: (t) => `${d(t)}/backups/${t.backup}/file` },
  { route: 'POST /projects/:project/databases/:name/backups/:id/verify', action: 'backups.create', path: (t) => `${d(t)}/backups/${t.backup}/verify` },
  { route: 'POST /projects/:project/databases/:name/restore', action: 'database.restore', path: (t) => `${d(t)}/restore`, body: { backup: 'placeholder' } },
  { route: 'DELETE /projects/:project/databases/:name', action: 'database.delete', path: d, body: { confirm: 'pg' } },
  { route: 'GET /projects/:project/shared-variables', action: 'variables.read-names', path: (t) => `/projects/${t.project}/shared-variables` },
  { route: 'GET /projects/:project/shared-variables', action: 'variables.reveal', path: (t) => `/projects/${t.project}/shared-variables?reveal=1` },
  { route: 'PUT /projects/:project/shared-variables', action: 'variables.change', path: (t) => `/projects/${t.project}/shared-variables`, body: { B: 'b' } },
  { route: 'DELETE /projects/:project/shared-variables/:key', action: 'variables.change', path: (t) => `/projects/${t.project}/shared-variables/A` },
  { route: 'GET /projects/:project/services', action: 'project.read', path: (t) => `/projects/${t.project}/services` },
  { route: 'POST /projects/:project/services', action: 'service.create', path: (t) => `/projects/${t.project}/services`, body: { name: 'api', image: 'nginx' } },
  { route: 'POST /projects/:project/services', action: 'deploy', path: (t) => `/projects/${t.project}/services`, body: { name: 'api', image: 'nginx', deploy: true } },
  { route: 'GET /projects/:project/services/:service', action: 'project.read', path: s },
  { route: 'DELETE /projects/:project/services/:service', action: 'service.delete', path: s, body: { confirm: 'web' } },
  { route: 'PUT /projects/:project/services/:service/source', action: 'service.change', path: (t) => `${s(t)}/source`, body: { image: 'nginx:2' } },
  { route: 'PATCH /projects/:project/services/:service/settings', action: 'service.change', path: (t) => `${s(t)}/settings`, body: { port: 8080 } },
  { route: 'POST /projects/:project/services/:service/scale', action: 'service.change', path: (t) => `${s(t)}/scale`, body: { replicas: 2 } },
  { route: 'GET /projects/:project/services/:service/git', action: 'service.git-access', path: (t) => `${s(t)}/git` },
  { route: 'PUT /projects/:project/services/:service/credentials', action: 'service.change', path: (t) => `${s(t)}/credentials`, body: { httpsToken: 'tok' } },
  { route: 'GET /templates', action: 'self', path: () => '/templates?q=analytics' },
  { route: 'GET /templates/:id', action: 'self', path: () => '/templates/uptime-kuma' },
  { route: 'POST /projects/:project/templates/:id', action: 'volumes.change', path: (t) => `/projects/${t.project}/templates/pocketbase`, body: { deploy: false, name: 'pb' } },
  { route: 'GET /projects/:project/compose', action: 'project.read', path: (t) => `/projects/${t.project}/compose` },
  { route: 'GET /projects/:project/compose/:name', action: 'project.read', path: (t) => `/projects/${t.project}/compose/stack?env=staging` },
  { route: 'PUT /projects/:project/compose/:name', action: 'service.create', path: (t) => `/projects/${t.project}/compose/more`, body: { file: 'services:\n  worker:\n    image: nginx:1.27\n', environment: 'staging' } },
  { route: 'POST /projects/:project/compose/:name/deploy', action: 'deploy', path: (t) => `/projects/${t.project}/compose/stack/deploy`, body: { environment: 'staging' } },
  { route: 'POST /projects/:project/compose/:name/rollback', action: 'rollback', path: (t) => `/projects/${t.project}/compose/stack/rollback`, body: { environment: 'staging' } },
  { route: 'GET /projects/:project/compose/:name/deployments/:id', action: 'project.read', path: (t) => `/projects/${t.project}/compose/stack/deployments/${t.composeDeployment}` },
  { route: 'DELETE /projects/:project/compose/:name', action: 'service.delete', path: (t) => `/projects/${t.project}/compose/stack`, body: { confirm: 'stack' } },
  { route: 'GET /projects/:project/services/:service/volumes', action: 'project.read', path: (t) => `${s(t)}/volumes` },
  { route: 'POST /projects/:project/services/:service/volumes', action: 'volumes.change', path: (t) => `${s(t)}/volumes`, body: { name: 'more', mountPath: '/more' } },
  { route: 'GET /projects/:project/services/:service/volumes/:name/backups', action: 'project.read', path: (t) => `${s(t)}/volumes/data/backups` },
  { route: 'POST /projects/:project/services/:service/volumes/:name/backups', action: 'volumes.change', path: (t) => `${s(t)}/volumes/data/backups` },
  { route: 'PATCH /projects/:project/services/:service/volumes/:name', action: 'volumes.change', path: (t) => `${s(t)}/volumes/data`, body: { schedule: '0 3 * * *', keep: 3 } },
  { route: 'POST /projects/:project/services/:service/volumes/:name/restore', action: 'volumes.restore', path: (t) => `${s(t)}/volumes/data/restore`, body: { backup: 1 } },
  { route: 'DELETE /projects/:project/services/:service/volumes/:name', action: 'volumes.change', path: (t) => `${s(t)}/volumes/data` },
  { route: 'GET /projects/:project/services/:service/domains', action: 'project.read', path: (t) => `${s(t)}/domains` },
  { route: 'POST /projects/:project/services/:service/domains', action: 'domains.change', path: (t) => `${s(t)}/domains`, body: { hostname: 'www.shop.example' } },
  { route: 'PATCH /projects/:project/services/:service/domains/:hostname', action: 'domains.change', path: (t) => `${s(t)}/domains/web.${t.project}.example`, body: { hsts: true } },
  { route: 'DELETE /projects/:project/services/:service/domains/:hostname', action: 'domains.change', path: (t) => `${s(t)}/domains/web.${t.project}.example` },
  { route: 'GET /projects/:project/services/:service/variables', action: 'variables.read-names', path: (t) => `${s(t)}/variables` },
  { route: 'GET /projects/:project/services/:service/variables', action: 'variables.reveal', path: (t) => `${s(t)}/variables?reveal=1` },
  { route: 'PUT /projects/:project/services/:service/variables', action: 'variables.change', path: (t) => `${s(t)}/variables`, body: { B: 'b' } },
  { route: 'DELETE /projects/:project/services/:service/variables/:key', action: 'variables.change', path: (t) => `${s(t)}/variables/A` },
  { route: 'GET /projects/:project/services/:service/variables/text', action: 'variables.reveal', path: (t) => `${s(t)}/variables/text` },
  { route: 'PUT /projects/:project/services/:service/variables/text', action: 'variables.reveal', path: (t) => `${s(t)}/variables/text`, body: { env: 'A=changed\n' } },
  { route: 'POST /projects/:project/services/:service/deployments', action: 'deploy', path: (t) => `${s(t)}/deployments` },
  { route: 'POST /projects/:project/services/:service/rollback', action: 'rollback', path: (t) => `${s(t)}/rollback`, body: {} },
  { route: 'POST /projects/:project/services/:service/promote', action: 'deploy', path: (t) => `${s(t)}/promote`, body: { from: 'staging' } },
  { route: 'POST /projects/:project/services/:service/release', action: 'deploy', path: (t) => `${s(t)}/release?env=staging`, body: { action: 'next' } },
  // In staging: in (protected) production a developer may not run commands at all (an admin's only).
  { route: 'POST /projects/:project/services/:service/run', action: 'run', path: (t) => `${s(t)}/run?env=staging`, body: { command: ['true'] } },
  { route: 'GET /projects/:project/previews', action: 'project.read', path: (t) => `/projects/${t.project}/previews` },
  { route: 'GET /projects/:project/services/:service/previews', action: 'project.read', path: (t) => `${s(t)}/previews` },
  { route: 'PUT /projects/:project/services/:service/previews', action: 'previews.change', path: (t) => `${s(t)}/previews`, body: { on: false } },
  // Scheduled jobs, in staging (see run).
  { route: 'GET /projects/:project/services/:service/jobs', action: 'project.read', path: (t) => `${s(t)}/jobs?env=staging` },
  { route: 'POST /projects/:project/services/:service/jobs', action: 'jobs.change', path: (t) => `${s(t)}/jobs?env=staging`, body: { name: 'cleanup', schedule: '0 4 * * *', command: 'node cleanup.js' } },
  { route: 'PATCH /projects/:project/services/:service/jobs/:job', action: 'jobs.change', path: (t) => `${s(t)}/jobs/nightly?env=staging`, body: { schedule: '0 5 * * *' } },
  { route: 'DELETE /projects/:project/services/:service/jobs/:job', action: 'jobs.change', path: (t) => `${s(t)}/jobs/nightly?env=staging` },
  { route: 'POST /projects/:project/services/:service/jobs/:job/run', action: 'run', path: (t) => `${s(t)}/jobs/nightly/run?env=staging` },
  { route: 'GET /projects/:project/services/:service/jobs/:job/runs', action: 'logs.read', path: (t) => `${s(t)}/jobs/nightly/runs?env=staging` },
  { route: 'POST /projects/:project/services/:service/cancel', action: 'cancel', path: (t) => `${s(t)}/cancel` },
  { route: 'GET /projects/:project/services/:service/build-plan', action: 'project.read', path: (t) => `${s(t)}/build-plan` },
  { route: 'GET /projects/:project/services/:service/deployments', action: 'project.read', path: (t) => `${s(t)}/deployments` },
  { route: 'GET /projects/:project/services/:service/metrics', action: 'project.read', path: (t) => `${s(t)}/metrics` },
  { route: 'GET /projects/:project/services/:service/logs', action: 'logs.read', path: (t) => `${s(t)}/logs` },
  { route: 'GET /deployments/:id', action: 'project.read', path: (t) => `/deployments/${t.deployment}` },
  { route: 'GET /deployments/:id/events', action: 'logs.read', path: (t) => `/deployments/${t.deployment}` + '/events' },
  { route: 'GET /audit', action: 'audit.read', path: () => '/audit' },
  { route: 'GET /audit/verify', action: 'audit.read', path: () => '/audit/verify' },
  { route: 'GET /projects/:project/audit', action: 'project-audit.read', path: (t) => `/projects/${t.project}/audit` },
];

/** Actions that no API route takes: what they guard, and where that is tested. */
const NOT_ROUTES: Partial<Record<Action, string>> = {
  'projects.every': 'which projects GET /projects lists (access.test.ts)',
  'build-limits.raise': 'a field of PATCH …/settings above the server limits (reference-limits.test.ts)',
  'console.open': 'the console page and its WebSocket, in the browser only (console.test.ts)',
};

type Outcome = 'allowed' | 403 | 404;
/** What the door answers `who` for `action` on `project` (shop is the members' project). */
function expected(who: MatrixUser, action: Action | 'self', project: string): Outcome {
  if (action === 'self') return 'allowed';
  const rule = MAY[action];
  if (rule.in !== 'project') return mayDo({ role: who === 'owner' ? 'owner' : 'member' }, action) ? 'allowed' : 403;
  const role = who === 'owner' ? 'owner' : project === 'shop' && who !== 'outsider' ? who : undefined;
  if (!role) return 404;
  return mayDo({ role }, action) ? 'allowed' : 403;
}

type World = Awaited<ReturnType<typeof teamWorld>>;

/** Every row of every table but the ones each API call touches (tokens' last use, users' last
 *  activity) and the audit log, where a refusal is written (see `refusalsLogged`). */
async function snapshot(w: World): Promise<string> {
  const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(w.deps.db)).rows.map((r) => r.name);
  const all: Record<string, unknown[]> = {};
  for (const table of tables.filter((t) => !['api_tokens', 'users', 'sessions', 'audit_entries'].includes(t))) all[table] = (await sql`select * from ${sql.table(table)}`.execute(w.deps.db)).rows;
  return JSON.stringify(all);
}

/** The request, its status, without waiting for a stream's end. */
const refusalsLogged = async (w: World) => (await sql<{ n: number }>`select count(*) as n from audit_entries where outcome = 'refused'`.execute(w.deps.db)).rows[0].n;

async function send(w: World, who: string, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  const res = await w.app.request(`/api/v1${path}`, { method, headers: { Authorization: `Bearer ${w.tokens[who]}`, 'Content-Type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
  if (res.headers.get('Content-Type')?.includes('event-stream')) {
    await res.body?.cancel();
    return { status: res.status, text: '' };
  }
  return { status: res.status, text: await res.text() };
}

const methodOf = (route: string) => route.split(' ')[0];

/** A body that names something of the target (the project to confirm, the backup to restore). */
function bodyFor(c: Case, t: Target): unknown {
  if (c.route === 'DELETE /projects/:project') return { confirm: t.project };
  if (c.route.endsWith('/volumes/:name/restore')) return { backup: t.volumeBackup };
  if (c.route.endsWith('/restore')) return { backup: t.backup, confirm: 'pg' };
  return c.body;
}
const targets = (w: World, who: MatrixUser): Target[] => ['shop', 'blog'].map((project) => ({ project, ...w.ids[project], ...w.own[who] }));
const projectScoped = (c: Case) => c.action !== 'self' && MAY[c.action].in === 'project';

describe('the role matrix (every API route × every role × own and another project)', () => {
  it('has a case for every route of the API and a route for every action of MAY', async () => {
    const w = await teamWorld();
    const routes = new Set(w.app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/')).map((r) => `${r.method} ${r.path.slice('/api/v1'.length)}`));
    const covered = new Set(CASES.map((c) => c.route));
    expect([...routes].filter((r) => !covered.has(r)), 'API routes missing from the matrix').toEqual([]);
    expect([...covered].filter((r) => !routes.has(r)), 'matrix cases for routes the API does not have').toEqual([]);
    const exercised = new Set(CASES.map((c) => c.action));
    expect((Object.keys(MAY) as Action[]).filter((a) => !exercised.has(a) && !NOT_ROUTES[a]), 'actions of MAY no route exercises').toEqual([]);
  });

  it('refuses what the door refuses, 403 in a project one sees and 404 in another, and a refusal changes nothing', async () => {
    const w = await teamWorld();
    const wrong: string[] = [];
    for (const c of CASES) {
      for (const who of MATRIX_USERS) {
        for (const t of projectScoped(c) ? targets(w, who) : targets(w, who).slice(0, 1)) {
          const want = expected(who, c.action, t.project);
          if (want === 'allowed') continue;
          const before = await snapshot(w);
          const [calls, logged] = [w.deployerCalls.length, await refusalsLogged(w)];
          const res = await send(w, who, methodOf(c.route), c.path(t), bodyFor(c, t));
          const after = await snapshot(w);
          if ((await refusalsLogged(w)) !== logged + 1) wrong.push(`${who} ${c.route} on ${t.project}: refused, yet not once in the audit log as refused`);
          if (res.status !== want) wrong.push(`${who} ${c.route} on ${t.project}: ${res.status} (wanted ${want}) ${res.text.slice(0, 120)}`);
          if (after !== before) wrong.push(`${who} ${c.route} on ${t.project}: refused, yet the database changed`);
          if (w.deployerCalls.length !== calls) wrong.push(`${who} ${c.route} on ${t.project}: refused, yet the deployer was asked`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 120_000);

  it('lets through what the door allows (each change in a world of its own)', async () => {
    const wrong: string[] = [];
    const misdescribed: string[] = [];
    let shared = await teamWorld();
    const statuses: Record<string, number> = {};
    for (const c of CASES) {
      for (const project of projectScoped(c) ? ['shop', 'blog'] : ['shop']) {
        for (const who of MATRIX_USERS) {
          if (expected(who, c.action, project) !== 'allowed') continue;
          const w = methodOf(c.route) === 'GET' ? shared : await teamWorld();
          const t = targets(w, who).find((x) => x.project === project)!;
          const res = await send(w, who, methodOf(c.route), c.path(t), bodyFor(c, t));
          statuses[res.status] = (statuses[res.status] ?? 0) + 1;
          misdescribed.push(...answerProblems(c.route, res).map((p) => `${who} ${c.route} on ${project}: ${p}`));
          // Past the door: anything but the door's answers (Docker being away is 503, after it).
          if ([401, 403, 404].includes(res.status)) wrong.push(`${who} ${c.route} on ${project}: ${res.status} ${res.text.slice(0, 120)}`);
          if (methodOf(c.route) === 'GET' && res.status >= 500) shared = await teamWorld();
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(misdescribed, 'answers the OpenAPI document does not describe').toEqual([]);
    console.log('allowed requests by status:', statuses);
  }, 300_000);
});

describe('pages show each role only the controls it may use', () => {
  it("a viewer's service page has no Deploy, Roll back or Cancel; a developer's has them", async () => {
    const w = await teamWorld();
    const { createSession } = await import('../store/users.js');
    const page = async (who: MatrixUser, path: string) => {
      const user = await w.deps.db.selectFrom('users').select('id').where('email', '=', `${who}@example.com`).executeTakeFirstOrThrow();
      const res = await w.app.request(path, { headers: { Cookie: `spur_session=${(await createSession(w.deps.db, user.id)).token}` } });
      expect(res.status, `${who} ${path}`).toBe(200);
      return res.text();
    };
    // A superseded deployment with an image (one to roll back to) and a queued one (one to cancel).
    const ctx = await w.deps.db.selectFrom('deployments').select(['service_id', 'environment_id']).where('id', '=', w.ids.shop.deployment).executeTakeFirstOrThrow();
    await w.deps.db.updateTable('deployments').set({ status: 'superseded', image_tag: 'spur/shop-web:1' }).where('id', '=', w.ids.shop.deployment).execute();
    await w.deps.db.insertInto('deployments').values({ ...ctx, status: 'queued', trigger: 'test', created_at: new Date().toISOString() }).execute();
    for (const [who, shown] of [['developer', true], ['viewer', false]] as const) {
      const overview = await page(who, '/projects/shop/services/web');
      const deployments = await page(who, '/projects/shop/services/web/deployments');
      expect(overview.includes('/projects/shop/services/web/deploy?'), `${who}: Deploy`).toBe(shown);
      expect(overview.includes('/projects/shop/services/web/cancel?'), `${who}: Cancel`).toBe(shown);
      expect(deployments.includes('/projects/shop/services/web/rollback?'), `${who}: Roll back`).toBe(shown);
    }
  });
});

describe("a member's role", () => {
  it('is given and changed by an admin (developer by default); a role that is not one is 400; the role then decides', async () => {
    const w = await teamWorld();
    const members = async () => (await w.call('admin', 'GET', '/projects/shop/members')).json.members;
    expect(await w.call('admin', 'POST', '/projects/shop/members', { email: 'outsider@example.com' })).toEqual({ status: 201, json: { member: { email: 'outsider@example.com', role: 'developer' } } });
    expect(await members()).toContainEqual(expect.objectContaining({ email: 'outsider@example.com', role: 'developer' }));
    expect((await w.call('outsider', 'POST', '/projects/shop/services/web/deployments?env=staging')).status).toBe(503); // past the door; Docker is away
    expect((await w.call('outsider', 'POST', '/projects/shop/services/web/deployments')).json.request).toMatchObject({ kind: 'deploy', status: 'pending' }); // production is protected
    expect(await w.call('admin', 'POST', '/projects/shop/members', { email: 'outsider@example.com', role: 'owner' })).toEqual({ status: 400, json: { error: 'role: must be one of admin, developer, viewer' } });
    expect((await w.call('admin', 'POST', '/projects/shop/members', { email: 'outsider@example.com', role: 'viewer' })).status).toBe(201);
    expect(await w.call('outsider', 'POST', '/projects/shop/services/web/deployments')).toEqual({ status: 403, json: { error: 'a viewer may not deploy' } });
    expect(await w.call('outsider', 'GET', '/projects/shop/services/web/variables?reveal=1')).toEqual({ status: 403, json: { error: 'only an admin may reveal variable values' } });
    expect((await w.call('outsider', 'GET', '/projects/shop/services/web/variables')).json).toEqual({ variables: { A: '••••••' } });
    // A developer cannot raise anyone, themself included.
    expect((await w.call('developer', 'POST', '/projects/shop/members', { email: 'developer@example.com', role: 'admin' })).status).toBe(403);
    expect(await members()).toContainEqual(expect.objectContaining({ email: 'developer@example.com', role: 'developer' }));
  });
});

// The token scope dimension: every route × every scope (read, deploy, admin) × bound to the
// project shop or not, with tokens of the owner (whose role may everything, so only the token
// limits them). A refusal is 403 with the scope named, or 404 for another project than the
// token's; it changes nothing and is written once to the audit log, by actor kind token.
/** Routes that pass the door for more than their case's action (a new service is created first). */
const ALSO_NEEDS: Record<string, (project: string) => Action[]> = {
  'POST /projects/:project/services': () => ['service.create'],
  // shop's request is the developer's (blog's the owner's own): withdrawing another's is deciding on it.
  'POST /projects/:project/requests/:id/cancel': (project) => (project === 'shop' ? ['requests.cancel', 'requests.decide'] : []),
};
const SCOPE_TOKENS = SCOPES.flatMap((scope) => [false, true].map((bound) => ({ scope, bound, key: `owner:${scope}${bound ? ':shop' : ''}` })));

/** A team world with the owner's scoped tokens, and a token of the owner bound to shop for the
 *  revoke route to aim at (a bound token may revoke only its own project's). */
async function scopeWorld() {
  const w = await teamWorld();
  const owner = await w.deps.db.selectFrom('users').select('id').where('email', '=', 'owner@example.com').executeTakeFirstOrThrow();
  const shop = await w.deps.db.selectFrom('projects').select('id').where('name', '=', 'shop').executeTakeFirstOrThrow();
  for (const t of SCOPE_TOKENS) w.tokens[t.key] = await createApiToken(w.deps.db, owner.id, t.key, { scope: t.scope, projectId: t.bound ? shop.id : null });
  await createApiToken(w.deps.db, owner.id, 'aimed-at', { scope: 'read', projectId: shop.id });
  const aimed = await w.deps.db.selectFrom('api_tokens').select('id').where('name', '=', 'aimed-at').executeTakeFirstOrThrow();
  w.own.owner = { ...w.own.owner, tokenId: aimed.id };
  return w;
}

type Refusal = { status: 403 | 404; error: string } | 'allowed';
function expectedOfToken(c: Case, scope: Scope, bound: boolean, t: Pick<Target, 'project' | 'deployment'>): Refusal {
  const project = t.project;
  if (c.action === 'self') return 'allowed';
  const rule = MAY[c.action];
  if (bound && rule.in === 'project' && project !== 'shop') return { status: 404, error: c.route.startsWith('GET /deployments/') ? `deployment ${t.deployment} not found` : `project ${project} not found` };
  const uncovered = [...(ALSO_NEEDS[c.route]?.(project) ?? []), c.action].find((a) => !scopeCovers(scope, a));
  if (uncovered) return { status: 403, error: `this token's scope (${scope}) does not allow ${uncovered}` };
  if (bound && rule.in === 'installation') return { status: 403, error: `this token is for project shop only; it does not allow ${c.action}` };
  return 'allowed';
}

const lastRefusalKind = async (w: World) => (await sql<{ actor_kind: string }>`select actor_kind from audit_entries where outcome = 'refused' order by id desc limit 1`.execute(w.deps.db)).rows[0]?.actor_kind;

describe('the token scope matrix (every API route × every scope × bound to a project or not)', () => {
  it('refuses what the scope or the project does not cover, saying so, and a refusal changes nothing', async () => {
    const w = await scopeWorld();
    const wrong: string[] = [];
    for (const c of CASES) {
      for (const { scope, bound, key } of SCOPE_TOKENS) {
        for (const t of projectScoped(c) ? targets(w, 'owner') : targets(w, 'owner').slice(0, 1)) {
          const want = expectedOfToken(c, scope, bound, t);
          if (want === 'allowed') continue;
          const before = await snapshot(w);
          const [calls, logged] = [w.deployerCalls.length, await refusalsLogged(w)];
          const res = await send(w, key, methodOf(c.route), c.path(t), bodyFor(c, t));
          const what = `${key} ${c.route} on ${t.project}`;
          if ((await refusalsLogged(w)) !== logged + 1 || (await lastRefusalKind(w)) !== 'token') wrong.push(`${what}: refused, yet not once in the audit log as refused by a token`);
          if (res.status !== want.status || JSON.parse(res.text || '{}').error !== want.error) wrong.push(`${what}: ${res.status} ${res.text.slice(0, 120)} (wanted ${want.status} ${want.error})`);
          if ((await snapshot(w)) !== before) wrong.push(`${what}: refused, yet the database changed`);
          if (w.deployerCalls.length !== calls) wrong.push(`${what}: refused, yet the deployer was asked`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 180_000);

  it('lets through, with the narrowest scope that covers it, what the scope and project cover', async () => {
    const wrong: string[] = [];
    let shared = await scopeWorld();
    for (const c of CASES) {
      for (const bound of [false, true]) {
        const scope = SCOPES.find((sc) => expectedOfToken(c, sc, bound, { project: 'shop', deployment: 0 }) === 'allowed');
        if (!scope) continue;
        const w = methodOf(c.route) === 'GET' ? shared : await scopeWorld();
        const t = targets(w, 'owner')[0];
        const key = `owner:${scope}${bound ? ':shop' : ''}`;
        const res = await send(w, key, methodOf(c.route), c.path(t), bodyFor(c, t));
        if ([401, 403, 404].includes(res.status)) wrong.push(`${key} ${c.route} on shop: ${res.status} ${res.text.slice(0, 120)}`);
        if (methodOf(c.route) === 'GET' && res.status >= 500) shared = await scopeWorld();
      }
    }
    expect(wrong).toEqual([]);
  }, 300_000);

  it('a project-bound token lists only its project', async () => {
    const w = await scopeWorld();
    expect(JSON.parse((await send(w, 'owner:read:shop', 'GET', '/projects')).text).projects.map((p: { name: string }) => p.name)).toEqual(['shop']);
    expect(JSON.parse((await send(w, 'owner:read', 'GET', '/projects')).text).projects.map((p: { name: string }) => p.name)).toEqual(['blog', 'shop']);
  });
});
