// The role matrix over the web app: every form route (each POST of the pages, as `app.routes`
// lists them) × every role (owner, admin, developer, viewer, a member of no project) × the
// members' own project and another one, posted as a browser posts it (a session cookie and the
// CSRF token). What the door (actions/access.ts, MAY) refuses is the error page with 403 in a
// project one sees and 404 in another; it changes no row, asks nothing of the deployer, and is
// written once to the audit log as refused. A form route missing from the table fails the test.
// The pages' live streams too: a member of no project gets 404, a viewer reads.
import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { MAY, type Action, mayDo } from '../actions/access.js';
import { MATRIX_USERS, type MatrixUser, teamWorld } from '../../test/app-fixture.js';
import { sha256 } from '../secrets.js';
import { createSession } from '../store/users.js';

type Target = { project: string; deployment: number; backup: number; volumeBackup: number; composeDeployment: number; invitation: number; request: number; channel: number; installationChannel: number; rule: number; installationRule: number; webhook: number; delivery: number; tokenId: number; keyId: number; session: string };
/** One form post: the route as the web app declares it, the action of MAY that decides it (or
 *  `self`: one's own account, anyone's), and the fields a browser sends. */
interface Case {
  route: string;
  action: Action | 'self';
  path: (t: Target) => string;
  fields?: (t: Target) => Record<string, string>;
  /** An action the door checks before this one (whose words a role refused both hears). */
  first?: Action;
}

const s = (t: Target) => `/projects/${t.project}/services/web`;
const d = (t: Target) => `/projects/${t.project}/databases/pg`;
const q = '?env=production';
const f = (fields: Record<string, string>) => () => fields;
const CASES: Case[] = [
  { route: 'POST /projects', action: 'project.create', path: () => '/projects', fields: f({ name: 'fresh' }) },
  { route: 'POST /update', action: 'update.start', path: () => '/update' },
  { route: 'POST /projects/:project/services', action: 'service.create', path: (t) => `/projects/${t.project}/services`, fields: f({ name: 'api', image: 'nginx', port: '80' }) },
  { route: 'POST /projects/:project/services', action: 'deploy', path: (t) => `/projects/${t.project}/services`, fields: f({ name: 'api', image: 'nginx', port: '80', deploy: 'on' }), first: 'service.create' },
  { route: 'POST /projects/:project/environments', action: 'environment.create', path: (t) => `/projects/${t.project}/environments`, fields: f({ name: 'preview' }) },
  { route: 'POST /projects/:project/databases', action: 'database.create', path: (t) => `/projects/${t.project}/databases${q}`, fields: f({ name: 'cache', engine: 'redis' }) },
  { route: 'POST /projects/:project/databases/:name/policy', action: 'database.change', path: (t) => `${d(t)}/policy${q}`, fields: f({ schedule: 'none', keep: '3' }) },
  { route: 'POST /projects/:project/databases/:name/backups', action: 'backups.create', path: (t) => `${d(t)}/backups${q}` },
  { route: 'POST /projects/:project/databases/:name/restore', action: 'database.restore', path: (t) => `${d(t)}/restore${q}`, fields: (t) => ({ backup: String(t.backup), confirm: 'pg' }) },
  { route: 'POST /projects/:project/databases/:name/restart', action: 'database.change', path: (t) => `${d(t)}/restart${q}` },
  { route: 'POST /projects/:project/databases/:name/delete', action: 'database.delete', path: (t) => `${d(t)}/delete${q}`, fields: f({ confirm: 'pg' }) },
  { route: 'POST /users', action: 'users.manage', path: () => '/users', fields: f({ email: 'new@example.com', role: 'member' }) },
  { route: 'POST /users/:email/password', action: 'users.manage', path: () => '/users/bystander%40example.com/password', fields: f({ password: 'a-long-new-password' }) },
  { route: 'POST /users/:email/remove', action: 'users.manage', path: () => '/users/bystander%40example.com/remove' },
  { route: 'POST /account/tokens', action: 'self', path: () => '/account/tokens', fields: f({ name: 'laptop' }) },
  { route: 'POST /account/tokens/:id/revoke', action: 'self', path: (t) => `/account/tokens/${t.tokenId}/revoke` },
  { route: 'POST /projects/:project/members', action: 'members.manage', path: (t) => `/projects/${t.project}/members`, fields: f({ email: 'bystander@example.com', role: 'developer' }) },
  { route: 'POST /projects/:project/members/:email/remove', action: 'members.manage', path: (t) => `/projects/${t.project}/members/bystander%40example.com/remove` },
  { route: 'POST /projects/:project/shared-variables', action: 'variables.change', path: (t) => `/projects/${t.project}/shared-variables${q}`, fields: f({ key: 'B', value: 'b' }) },
  { route: 'POST /projects/:project/shared-variables/remove', action: 'variables.change', path: (t) => `/projects/${t.project}/shared-variables/remove${q}`, fields: f({ key: 'A' }) },
  { route: 'POST /projects/:project/delete', action: 'project.delete', path: (t) => `/projects/${t.project}/delete`, fields: (t) => ({ confirm: t.project }) },
  { route: 'POST /projects/:project/environments/:environment/delete', action: 'environment.delete', path: (t) => `/projects/${t.project}/environments/staging/delete`, fields: f({ confirm: 'staging' }) },
  { route: 'POST /projects/:project/services/:service/deploy', action: 'deploy', path: (t) => `${s(t)}/deploy${q}` },
  { route: 'POST /projects/:project/services/:service/rollback', action: 'rollback', path: (t) => `${s(t)}/rollback${q}` },
  { route: 'POST /projects/:project/services/:service/cancel', action: 'cancel', path: (t) => `${s(t)}/cancel${q}` },
  { route: 'POST /projects/:project/services/:service/scale', action: 'service.change', path: (t) => `${s(t)}/scale${q}`, fields: f({ replicas: '2' }) },
  { route: 'POST /projects/:project/services/:service/source', action: 'service.change', path: (t) => `${s(t)}/source${q}`, fields: f({ kind: 'image', image: 'nginx:2' }) },
  { route: 'POST /projects/:project/services/:service/credentials', action: 'service.change', path: (t) => `${s(t)}/credentials${q}`, fields: f({ httpsToken: 'tok' }) },
  { route: 'POST /templates/:id/deploy', action: 'volumes.change', path: () => '/templates/pocketbase/deploy', fields: (t) => ({ project: t.project, name: 'pb' }) },
  { route: 'POST /projects/:project/compose', action: 'service.create', path: (t) => `/projects/${t.project}/compose?env=staging`, fields: f({ name: 'more', file: 'services:\n  worker:\n    image: nginx:1.27\n' }) },
  { route: 'POST /projects/:project/compose/:name/file', action: 'service.create', path: (t) => `/projects/${t.project}/compose/stack/file?env=staging`, fields: f({ file: 'services:\n  api:\n    image: nginx:1.27\n    ports: ["80"]\n' }) },
  { route: 'POST /projects/:project/compose/:name/deploy', action: 'deploy', path: (t) => `/projects/${t.project}/compose/stack/deploy?env=staging` },
  { route: 'POST /projects/:project/compose/:name/rollback', action: 'rollback', path: (t) => `/projects/${t.project}/compose/stack/rollback?env=staging`, fields: (t) => ({ to: String(t.composeDeployment) }) },
  { route: 'POST /projects/:project/compose/:name/delete', action: 'service.delete', path: (t) => `/projects/${t.project}/compose/stack/delete`, fields: f({ confirm: 'stack' }) },
  { route: 'POST /projects/:project/services/:service/settings', action: 'service.change', path: (t) => `${s(t)}/settings${q}`, fields: f({ port: '8080' }) },
  { route: 'POST /projects/:project/services/:service/settings/git', action: 'service.change', path: (t) => `${s(t)}/settings/git${q}`, fields: f({ branch: 'dev', autoDeploy: 'off' }) },
  { route: 'POST /projects/:project/services/:service/domains', action: 'domains.change', path: (t) => `${s(t)}/domains${q}`, fields: (t) => ({ hostname: `www.${t.project}.example` }) },
  { route: 'POST /projects/:project/services/:service/domains/options', action: 'domains.change', path: (t) => `${s(t)}/domains/options${q}`, fields: (t) => ({ hostname: `web.${t.project}.example`, https: 'on', hsts: 'on', redirectTo: 'none' }) },
  { route: 'POST /projects/:project/services/:service/domains/remove', action: 'domains.change', path: (t) => `${s(t)}/domains/remove${q}`, fields: (t) => ({ hostname: `web.${t.project}.example` }) },
  { route: 'POST /projects/:project/services/:service/volumes', action: 'volumes.change', path: (t) => `${s(t)}/volumes${q}`, fields: f({ name: 'more', mountPath: '/more' }) },
  { route: 'POST /projects/:project/services/:service/volumes/backup', action: 'volumes.change', path: (t) => `${s(t)}/volumes/backup${q}`, fields: f({ name: 'data' }) },
  { route: 'POST /projects/:project/services/:service/volumes/backup-schedule', action: 'volumes.change', path: (t) => `${s(t)}/volumes/backup-schedule${q}`, fields: f({ name: 'data', schedule: '0 3 * * *', keep: '3' }) },
  { route: 'POST /projects/:project/services/:service/volumes/restore', action: 'volumes.restore', path: (t) => `${s(t)}/volumes/restore${q}`, fields: (t) => ({ name: 'data', backup: String(t.volumeBackup) }) },
  { route: 'POST /projects/:project/services/:service/volumes/remove', action: 'volumes.change', path: (t) => `${s(t)}/volumes/remove${q}`, fields: f({ name: 'data' }) },
  { route: 'POST /projects/:project/services/:service/variables', action: 'variables.change', path: (t) => `${s(t)}/variables${q}`, fields: f({ key: 'B', value: 'b' }) },
  { route: 'POST /projects/:project/services/:service/variables/import', action: 'variables.change', path: (t) => `${s(t)}/variables/import${q}`, fields: f({ env: 'B=b' }) },
  { route: 'POST /projects/:project/services/:service/variables/remove', action: 'variables.change', path: (t) => `${s(t)}/variables/remove${q}`, fields: f({ key: 'A' }) },
  { route: 'POST /projects/:project/services/:service/variables/raw/preview', action: 'variables.reveal', path: (t) => `${s(t)}/variables/raw/preview${q}`, fields: f({ env: 'A=changed' }) },
  { route: 'POST /projects/:project/services/:service/variables/raw', action: 'variables.reveal', path: (t) => `${s(t)}/variables/raw${q}`, fields: f({ env: 'A=changed' }) },
  { route: 'POST /projects/:project/services/:service/delete', action: 'service.delete', path: (t) => `${s(t)}/delete${q}`, fields: f({ confirm: 'web' }) },
  { route: 'POST /keys', action: 'self', path: () => '/keys', fields: f({ name: 'k', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOMqqnkVzrm0SdG6UOoqKLsabgH5C9okWi0dh2l9GKJl k' }) },
  { route: 'POST /keys/:id/remove', action: 'self', path: (t) => `/keys/${t.keyId}/remove` },
  { route: 'POST /settings', action: 'settings.change', path: () => '/settings', fields: f({ acmeEmail: 'ops@example.com' }) },
  { route: 'POST /settings/storage', action: 'settings.change', path: () => '/settings/storage', fields: f({ endpoint: '' }) },
  { route: 'POST /settings/build-images', action: 'settings.change', path: () => '/settings/build-images', fields: f({ node: 'node:22' }) },
  { route: 'POST /settings/registry', action: 'settings.change', path: () => '/settings/registry', fields: f({ address: '' }) },
  { route: 'POST /servers', action: 'servers.manage', path: () => '/servers', fields: f({ name: 'n2', host: '192.0.2.11' }) },
  ...(['drain', 'activate', 'build-here', 'build-on-manager'] as const).map((a): Case => ({ route: `POST /servers/:name/${a}`, action: 'servers.manage', path: () => `/servers/n1/${a}` })),
  { route: 'POST /servers/:name/remove', action: 'servers.manage', path: () => '/servers/n1/remove', fields: f({ confirm: 'n1' }) },
  // Scheduled jobs, in staging: in (protected) production a developer may not change or run them at all.
  { route: 'POST /projects/:project/services/:service/jobs', action: 'jobs.change', path: (t) => `${s(t)}/jobs?env=staging`, fields: f({ name: 'cleanup', schedule: '0 4 * * *', command: 'node cleanup.js', timeZone: 'UTC', timeout: '60' }) },
  { route: 'POST /projects/:project/services/:service/jobs/:job/run', action: 'run', path: (t) => `${s(t)}/jobs/nightly/run?env=staging` },
  { route: 'POST /projects/:project/services/:service/previews', action: 'previews.change', path: (t) => `${s(t)}/previews?env=staging`, fields: f({ on: 'off' }) },
  { route: 'POST /projects/:project/services/:service/run', action: 'run', path: (t) => `${s(t)}/run?env=staging`, fields: f({ command: 'node migrate.js' }) },
  { route: 'POST /projects/:project/services/:service/jobs/:job/enabled', action: 'jobs.change', path: (t) => `${s(t)}/jobs/nightly/enabled?env=staging`, fields: f({ enabled: 'off' }) },
  { route: 'POST /projects/:project/services/:service/jobs/:job/remove', action: 'jobs.change', path: (t) => `${s(t)}/jobs/nightly/remove?env=staging` },
  { route: 'POST /deployments/:id/cancel', action: 'cancel', path: (t) => `/deployments/${t.deployment}/cancel` },
  { route: 'POST /deployments/:id/promote', action: 'deploy', path: (t) => `/deployments/${t.deployment}/promote`, fields: f({ to: 'staging' }) },
  // Protected environments and their requests (production holds one waiting: the developer's in shop, the owner's in blog).
  { route: 'POST /projects/:project/environments/:environment/protection', action: 'environment.protect', path: (t) => `/projects/${t.project}/environments/staging/protection`, fields: f({ protected: 'on' }) },
  { route: 'POST /projects/:project/requests/:id/approve', action: 'requests.decide', path: (t) => `/projects/${t.project}/requests/${t.request}/approve` },
  { route: 'POST /projects/:project/requests/:id/reject', action: 'requests.decide', path: (t) => `/projects/${t.project}/requests/${t.request}/reject`, fields: f({ reason: 'not now' }) },
  { route: 'POST /projects/:project/requests/:id/cancel', action: 'requests.cancel', path: (t) => `/projects/${t.project}/requests/${t.request}/cancel` },
  // Members: invitations, a member's role, leaving.
  { route: 'POST /projects/:project/invitations', action: 'members.manage', path: (t) => `/projects/${t.project}/invitations`, fields: f({ email: 'new@example.com', role: 'viewer' }) },
  { route: 'POST /projects/:project/invitations/:id/revoke', action: 'members.manage', path: (t) => `/projects/${t.project}/invitations/${t.invitation}/revoke` },
  { route: 'POST /projects/:project/members/:email/role', action: 'members.manage', path: (t) => `/projects/${t.project}/members/bystander%40example.com/role`, fields: f({ role: 'developer' }) },
  { route: 'POST /projects/:project/leave', action: 'project.leave', path: (t) => `/projects/${t.project}/leave` },
  // One's own sign-in: two-factor and sessions (anyone's, each their own).
  { route: 'POST /account/two-factor/start', action: 'self', path: () => '/account/two-factor/start' },
  { route: 'POST /account/two-factor/confirm', action: 'self', path: () => '/account/two-factor/confirm', fields: f({ code: '000000' }) },
  { route: 'POST /account/two-factor/disable', action: 'self', path: () => '/account/two-factor/disable', fields: f({ password: 'wrong' }) },
  { route: 'POST /account/sessions/end-others', action: 'self', path: () => '/account/sessions/end-others' },
  { route: 'POST /account/sessions/:id/end', action: 'self', path: (t) => `/account/sessions/${t.session}/end` },
  // The owner's: settings (two-factor required, single sign-on, mail) and a user's two-factor reset.
  { route: 'POST /settings/two-factor', action: 'settings.change', path: () => '/settings/two-factor', fields: f({ required: 'on' }) },
  { route: 'POST /settings/sso', action: 'settings.change', path: () => '/settings/sso', fields: f({ issuer: '' }) },
  { route: 'POST /settings/smtp', action: 'settings.change', path: () => '/settings/smtp', fields: f({ host: '' }) },
  // Alerts: the installation's channels and rules (owners) and a project's (its admins).
  { route: 'POST /alerts/channels', action: 'settings.change', path: () => '/alerts/channels', fields: f({ kind: 'email', name: 'oncall', to: 'oncall@example.com' }) },
  { route: 'POST /alerts/channels/:id/delete', action: 'settings.change', path: (t) => `/alerts/channels/${t.installationChannel}/delete` },
  { route: 'POST /alerts/channels/:id/test', action: 'settings.change', path: (t) => `/alerts/channels/${t.installationChannel}/test` },
  { route: 'POST /alerts/rules', action: 'settings.change', path: () => '/alerts/rules', fields: f({ name: 'disk90', target: 'servers', metric: 'disk_percent', op: '>', value: '90', for: '0' }) },
  { route: 'POST /alerts/rules/:id/delete', action: 'settings.change', path: (t) => `/alerts/rules/${t.installationRule}/delete` },
  { route: 'POST /alerts/rules/built-in/:rule', action: 'settings.change', path: () => '/alerts/rules/built-in/update', fields: f({ on: 'false' }) },
  { route: 'POST /projects/:project/alerts/channels', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/channels`, fields: f({ kind: 'email', name: 'oncall', to: 'oncall@example.com' }) },
  { route: 'POST /projects/:project/alerts/channels/:id/delete', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/channels/${t.channel}/delete` },
  { route: 'POST /projects/:project/alerts/channels/:id/test', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/channels/${t.channel}/test` },
  { route: 'POST /projects/:project/alerts/rules', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/rules`, fields: f({ name: 'slow', target: 'services', metric: 'p95', op: '>', value: '500', for: '0' }) },
  { route: 'POST /projects/:project/alerts/rules/:id/delete', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/rules/${t.rule}/delete` },
  { route: 'POST /projects/:project/alerts/rules/built-in/:rule', action: 'alerts.manage', path: (t) => `/projects/${t.project}/alerts/rules/built-in/memory`, fields: f({ on: 'false' }) },
  { route: 'POST /projects/:project/webhooks', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks`, fields: f({ name: 'deploys', url: 'https://hooks.example.com/spur', types: 'deployment.active' }) },
  { route: 'POST /projects/:project/webhooks/:id/delete', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks/${t.webhook}/delete` },
  { route: 'POST /projects/:project/webhooks/:id/deliveries/:delivery/redeliver', action: 'webhooks.manage', path: (t) => `/projects/${t.project}/webhooks/${t.webhook}/deliveries/${t.delivery}/redeliver` },
  { route: 'POST /users/:email/two-factor/reset', action: 'users.manage', path: () => '/users/bystander%40example.com/two-factor/reset' },
  // Reading the audit log (and its export, and checking its chain): the installation's an owner's, a project's its admins'.
  { route: 'GET /audit', action: 'audit.read', path: () => '/audit' },
  { route: 'GET /audit/verify', action: 'audit.read', path: () => '/audit/verify' },
  { route: 'GET /audit/export', action: 'audit.read', path: () => '/audit/export' },
  { route: 'GET /projects/:project/audit', action: 'project-audit.read', path: (t) => `/projects/${t.project}/audit` },
  { route: 'GET /projects/:project/audit/export', action: 'project-audit.read', path: (t) => `/projects/${t.project}/audit/export` },
  // Reading what is secret, in place on a page: refused the same way.
  { route: 'GET /projects/:project/services/:service/variables/value', action: 'variables.reveal', path: (t) => `${s(t)}/variables/value${q}&key=A` },
  { route: 'GET /projects/:project/services/:service/variables/raw', action: 'variables.reveal', path: (t) => `${s(t)}/variables/raw${q}` },
  { route: 'GET /projects/:project/shared-variables/value', action: 'variables.reveal', path: (t) => `/projects/${t.project}/shared-variables/value${q}&key=A` },
  { route: 'GET /projects/:project/databases/:name/credentials', action: 'database.credentials', path: (t) => `${d(t)}/credentials${q}` },
  { route: 'GET /projects/:project/databases/:name/backups/:id/download', action: 'backups.download', path: (t) => `${d(t)}/backups/${t.backup}/download${q}` },
];
/** Form routes that are no user's to refuse: signing in and out, and the first owner's setup;
 *  a sign-in's second step (a pending sign-in, no session and no role yet: its code decides); and
 *  accepting an invitation (anyone's who holds its link, signed in or not: the token decides,
 *  for the one project and role it names). */
const NOT_ROLES = new Set(['POST /setup', 'POST /login', 'POST /logout', 'POST /login/code', 'POST /invite/:project/:token']);

/** The pages' live streams, and the action each needs. */
const STREAMS: { route: string; action: Action | 'self'; path: (t: Target) => string }[] = [
  { route: 'GET /events', action: 'self', path: () => '/events' },
  { route: 'GET /projects/:project/events', action: 'project.read', path: (t) => `/projects/${t.project}/events${q}` },
  { route: 'GET /projects/:project/services/:service/events', action: 'project.read', path: (t) => `${s(t)}/events${q}&tab=overview` },
  { route: 'GET /projects/:project/services/:service/logs/events', action: 'logs.read', path: (t) => `${s(t)}/logs/events${q}` },
  { route: 'GET /deployments/:id/events', action: 'logs.read', path: (t) => `/deployments/${t.deployment}/events` },
];

type Outcome = 'allowed' | 403 | 404;
/** What the door answers `who` for `action` on `project` (shop is the members' project). */
function expected(who: MatrixUser, action: Action | 'self', project: string): Outcome {
  if (action === 'self') return 'allowed';
  if (MAY[action].in === 'installation') return mayDo({ role: who === 'owner' ? 'owner' : 'member' }, action) ? 'allowed' : 403;
  const role = who === 'owner' ? 'owner' : project === 'shop' && who !== 'outsider' ? who : undefined;
  if (!role) return 404;
  return mayDo({ role }, action) ? 'allowed' : 403;
}

/** What the error page says: the matrix's words for a refusal, "not found" for a project one may not see (as HTML escapes them). */
function said(action: Action, status: 403 | 404): string {
  const refused: string | ((what: string) => string) = MAY[action].refused;
  return status === 404 ? 'not found' : (typeof refused === 'string' ? refused : refused('')).replace(/'/g, '&#39;');
}

type World = Awaited<ReturnType<typeof browserWorld>>;

/** The matrix's world, each user signed in as a browser is: a session cookie and its CSRF token. */
async function browserWorld() {
  const w = await teamWorld();
  const sessions: Record<string, { token: string; csrfToken: string }> = {};
  const sessionIds: Record<string, string> = {};
  for (const who of MATRIX_USERS) {
    const user = await w.deps.db.selectFrom('users').select('id').where('email', '=', `${who}@example.com`).executeTakeFirstOrThrow();
    sessions[who] = await createSession(w.deps.db, user.id);
    sessionIds[who] = (await w.deps.db.selectFrom('sessions').select('public_id').where('token_hash', '=', sha256(sessions[who].token)).executeTakeFirstOrThrow()).public_id!;
  }
  return { ...w, sessions, sessionIds };
}

/** Every row of every table but sessions and users (touched by any request) and the audit log. */
async function snapshot(w: World): Promise<string> {
  const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(w.deps.db)).rows.map((r) => r.name);
  const all: Record<string, unknown[]> = {};
  for (const table of tables.filter((t) => !['api_tokens', 'users', 'sessions', 'audit_entries'].includes(t))) all[table] = (await sql`select * from ${sql.table(table)}`.execute(w.deps.db)).rows;
  return JSON.stringify(all);
}
const refusalsLogged = async (w: World) => (await sql<{ n: number }>`select count(*) as n from audit_entries where outcome = 'refused'`.execute(w.deps.db)).rows[0].n;

/** The request as the user's browser sends it; a stream is answered without waiting for its end. */
async function send(w: World, who: string, method: string, path: string, fields?: Record<string, string>): Promise<{ status: number; text: string; type: string }> {
  const session = w.sessions[who];
  const headers: Record<string, string> = { Cookie: `spur_session=${session.token}` };
  if (method !== 'GET') Object.assign(headers, { 'Content-Type': 'application/x-www-form-urlencoded', Origin: 'http://localhost', 'X-CSRF-Token': session.csrfToken });
  const res = await w.app.request(path, { method, headers, body: method === 'GET' ? undefined : new URLSearchParams(fields ?? {}).toString() });
  const type = res.headers.get('Content-Type') ?? '';
  if (type.includes('event-stream')) {
    await res.body?.cancel();
    return { status: res.status, text: '', type };
  }
  return { status: res.status, text: await res.text(), type };
}

const methodOf = (route: string) => route.split(' ')[0];
const targets = (w: World, who: MatrixUser): Target[] => ['shop', 'blog'].map((project) => ({ project, ...w.ids[project], ...w.own[who], session: w.sessionIds[who] }));
const projectScoped = (c: { action: Action | 'self' }) => c.action !== 'self' && MAY[c.action].in === 'project';

describe('the form-route matrix (every form of the web app × every role × own and another project)', () => {
  it('has a case for every form route and every live stream of the web app', async () => {
    const w = await browserWorld();
    const web = w.app.routes.filter((r) => r.method !== 'ALL' && !r.path.startsWith('/api/') && !r.path.startsWith('/webhooks/'));
    const forms = new Set(web.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path}`));
    const covered = new Set(CASES.map((c) => c.route));
    expect([...forms].filter((r) => !covered.has(r) && !NOT_ROLES.has(r)), 'form routes missing from the matrix').toEqual([]);
    const routes = new Set(web.map((r) => `${r.method} ${r.path}`));
    expect([...covered, ...STREAMS.map((c) => c.route)].filter((r) => !routes.has(r)), 'cases for routes the web app does not have').toEqual([]);
    const streams = [...routes].filter((r) => r.endsWith('/events'));
    expect(streams.filter((r) => !STREAMS.some((c) => c.route === r)), 'live streams missing').toEqual([]);
  });

  it('refuses what the door refuses with the error page (403 in a project one sees, 404 in another), changing nothing, logged once', async () => {
    const w = await browserWorld();
    const wrong: string[] = [];
    let refusals = 0;
    for (const c of CASES) {
      for (const who of MATRIX_USERS) {
        for (const t of projectScoped(c) ? targets(w, who) : targets(w, who).slice(0, 1)) {
          const want = expected(who, c.action, t.project);
          if (want === 'allowed') continue;
          refusals++;
          const before = await snapshot(w);
          const [calls, logged] = [w.deployerCalls.length, await refusalsLogged(w)];
          const res = await send(w, who, methodOf(c.route), c.path(t), c.fields?.(t));
          const after = await snapshot(w);
          const where = `${who} ${c.route} on ${t.project}`;
          if ((await refusalsLogged(w)) !== logged + 1) wrong.push(`${where}: refused, yet not once in the audit log as refused`);
          if (res.status !== want) wrong.push(`${where}: ${res.status} (wanted ${want}) ${res.text.slice(0, 120)}`);
          else {
            const decided = c.first && expected(who, c.first, t.project) !== 'allowed' ? c.first : (c.action as Action);
            if (!res.type.includes('text/html') || !res.text.includes(said(decided, want))) wrong.push(`${where}: not the error page saying ${said(decided, want)}: ${res.text.slice(0, 160)}`);
          }
          if (after !== before) wrong.push(`${where}: refused, yet the database changed`);
          if (w.deployerCalls.length !== calls) wrong.push(`${where}: refused, yet the deployer was asked`);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(refusals).toBeGreaterThan(200);
  }, 300_000);

  it('lets through what the door allows (each change in a world of its own)', async () => {
    const wrong: string[] = [];
    const shared = await browserWorld();
    for (const c of CASES) {
      for (const project of projectScoped(c) ? ['shop', 'blog'] : ['shop']) {
        for (const who of MATRIX_USERS) {
          if (expected(who, c.action, project) !== 'allowed') continue;
          const w = methodOf(c.route) === 'GET' ? shared : await browserWorld();
          const t = targets(w, who).find((x) => x.project === project)!;
          const res = await send(w, who, methodOf(c.route), c.path(t), c.fields?.(t));
          // Past the door: anything but its answers (Docker being away is 503, after it).
          if ([401, 403, 404].includes(res.status)) wrong.push(`${who} ${c.route} on ${project}: ${res.status} ${res.text.slice(0, 160)}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  }, 600_000);

  it('the live streams: a member of no project gets 404, a viewer reads', async () => {
    const w = await browserWorld();
    const wrong: string[] = [];
    for (const c of STREAMS) {
      const [shop] = targets(w, 'viewer');
      const viewer = await send(w, 'viewer', 'GET', c.path(shop));
      // The runtime logs need Docker, away here: past the door it says so (503), never "not found".
      const reads = c.action === 'logs.read' && c.route.includes('/logs/') ? viewer.status === 503 : viewer.status === 200 && viewer.type.includes('event-stream');
      if (!reads) wrong.push(`viewer ${c.route}: ${viewer.status} ${viewer.type} ${viewer.text.slice(0, 120)}`);
      if (c.action === 'self') continue;
      const [outsiderShop] = targets(w, 'outsider');
      const logged = await refusalsLogged(w);
      const outsider = await send(w, 'outsider', 'GET', c.path(outsiderShop));
      if (outsider.status !== 404) wrong.push(`outsider ${c.route}: ${outsider.status} (wanted 404)`);
      if ((await refusalsLogged(w)) !== logged + 1) wrong.push(`outsider ${c.route}: not once in the audit log as refused`);
    }
    expect(wrong).toEqual([]);
  }, 60_000);
});
