// The JSON API under /api/v1, authenticated by bearer tokens.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { InvalidInput, NotFound } from '../errors.js';
import type { User } from '../db/schema.js';
import { type ProjectAction, getProjectFor, listProjectsFor } from '../actions/access.js';
import { listEnvironments } from '../store/projects.js';
import { listSshKeys } from '../store/ssh-keys.js';
import { listServices } from '../store/services.js';
import * as users from '../actions/users.js';
import * as twoFactor from '../actions/two-factor.js';
import * as tokens from '../actions/tokens.js';
import { SOURCE_CHANGE_NOTE, changeServiceSource } from '../actions/service-source.js';
import { describeDiff, previewVariablesText, replaceVariablesText, variablesText } from '../actions/variables-text.js';
import * as validate from '../validate.js';
import { COMMIT, VERSION } from '../version.js';
import { type AuthEnv, requireToken } from './auth.js';
import * as ops from '../actions/index.js';
import { sourceView } from '../sources/index.js';
import * as db from '../actions/databases.js';
import * as shared from '../actions/shared-variables.js';
import * as servers from '../actions/servers.js';
import * as alerts from '../actions/alert-channels.js';
import * as alerting from '../actions/alerts.js';
import * as audit from '../actions/audit.js';
import * as requests from '../actions/requests.js';
import * as compose from '../actions/compose.js';
import * as templates from '../actions/templates.js';
import { changeSpurSettings, spurSettingsView } from '../actions/settings.js';
import { changeSsoSettings, ssoSettingsView } from '../actions/sso-settings.js';
import { deploymentEventStream, oneOffStream, runtimeLogStream } from './streams.js';
import { answerFormat, jsonLinesResponse } from './json-lines.js';
import { searchPalette } from '../actions/palette.js';
import { getDeployment } from '../store/deployments.js';

async function jsonBody(c: { req: { json: () => Promise<unknown> } }): Promise<Record<string, unknown>> {
  let body: unknown;
  try {
    body = await c.req.json();
  } catch {
    throw new InvalidInput('body', 'must be a JSON object');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidInput('body', 'must be a JSON object');
  return body as Record<string, unknown>;
}

export function apiRoutes(deps: Deps) {
  const api = new Hono<AuthEnv>();
  api.use('*', requireToken(deps));
  // The door (actions/access.ts): the service instance, for one action of the matrix.
  const instanceOf = (c: { req: { param: (k: string) => string; query: (k: string) => string | undefined }; get: (k: 'user') => User }, action: ProjectAction) =>
    ops.findInstance(deps, c.get('user'), { project: c.req.param('project'), service: c.req.param('service'), environment: c.req.query('env') }, action);

  api.get('/me', (c) => c.json({ email: c.get('user').email, role: c.get('user').role }));
  api.get('/health', (c) => {
    const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
    const m = process.memoryUsage();
    return c.json({ version: VERSION, commit: COMMIT, docker: deps.daemon.state, memoryMb: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) } });
  });

  // Spur itself: the newer release, if one is known; an owner starts the update (as the UI's button does).
  api.get('/palette', async (c) => c.json(await searchPalette(deps, c.get('user'), c.req.query('q'))));
  api.get('/update', (c) => c.json({ version: VERSION, available: deps.updates.available ?? null }));
  api.post('/update', async (c) => c.json({ updating: await ops.startUpdate(deps, c.get('user')) }, 202));

  // The installation's own settings (an owner's): Spur's domain and the ACME contact.
  api.get('/settings', async (c) => c.json(await spurSettingsView(deps, c.get('user'))));
  api.patch('/settings', async (c) => c.json(await changeSpurSettings(deps, c.get('user'), await jsonBody(c))));
  // Single sign-on (OpenID Connect) and the switch for password sign-in (an owner's).
  api.get('/settings/sso', async (c) => c.json(await ssoSettingsView(deps, c.get('user'))));
  // Where alerts go: the installation's channels (an owner's) and a project's (its admins').
  api.get('/alerts/channels', async (c) => c.json({ channels: await alerts.alertChannels(deps, c.get('user')) }));
  api.post('/alerts/channels', async (c) => c.json({ channel: await alerts.addAlertChannel(deps, c.get('user'), await jsonBody(c)) }, 201));
  api.delete('/alerts/channels/:id', async (c) => (await alerts.removeAlertChannel(deps, c.get('user'), c.req.param('id')), c.body(null, 204)));
  api.post('/alerts/channels/:id/test', async (c) => c.json(await alerts.testAlertChannel(deps, c.get('user'), c.req.param('id'))));
  api.get('/projects/:project/alerts/channels', async (c) => c.json({ channels: await alerts.alertChannels(deps, c.get('user'), c.req.param('project')) }));
  api.post('/projects/:project/alerts/channels', async (c) => c.json({ channel: await alerts.addAlertChannel(deps, c.get('user'), await jsonBody(c), c.req.param('project')) }, 201));
  api.delete('/projects/:project/alerts/channels/:id', async (c) => (await alerts.removeAlertChannel(deps, c.get('user'), c.req.param('id'), c.req.param('project')), c.body(null, 204)));
  api.post('/projects/:project/alerts/channels/:id/test', async (c) => c.json(await alerts.testAlertChannel(deps, c.get('user'), c.req.param('id'), c.req.param('project'))));
  api.get('/alerts', async (c) => c.json(await alerting.alertsOf(deps, c.get('user'))));
  api.get('/alerts/rules', async (c) => c.json(await alerting.alertRules(deps, c.get('user'))));
  api.post('/alerts/rules', async (c) => c.json({ rule: await alerting.addAlertRule(deps, c.get('user'), await jsonBody(c)) }, 201));
  api.delete('/alerts/rules/:id', async (c) => (await alerting.removeAlertRule(deps, c.get('user'), c.req.param('id')), c.body(null, 204)));
  api.put('/alerts/rules/built-in/:rule', async (c) => (await alerting.switchBuiltInRule(deps, c.get('user'), c.req.param('rule'), await jsonBody(c)), c.body(null, 204)));
  api.get('/projects/:project/alerts', async (c) => c.json(await alerting.alertsOf(deps, c.get('user'), c.req.param('project'))));
  api.get('/projects/:project/alerts/rules', async (c) => c.json(await alerting.alertRules(deps, c.get('user'), c.req.param('project'))));
  api.post('/projects/:project/alerts/rules', async (c) => c.json({ rule: await alerting.addAlertRule(deps, c.get('user'), await jsonBody(c), c.req.param('project')) }, 201));
  api.delete('/projects/:project/alerts/rules/:id', async (c) => (await alerting.removeAlertRule(deps, c.get('user'), c.req.param('id'), c.req.param('project')), c.body(null, 204)));
  api.put('/projects/:project/alerts/rules/built-in/:rule', async (c) => (await alerting.switchBuiltInRule(deps, c.get('user'), c.req.param('rule'), await jsonBody(c), c.req.param('project')), c.body(null, 204)));
  api.patch('/settings/sso', async (c) => c.json(await changeSsoSettings(deps, c.get('user'), await jsonBody(c))));

  // The audit log (see actions/audit.ts): the installation's and its chain check (an owner's), a project's.
  const auditQuery = (c: { req: { query: (k: string) => string | undefined } }) => Object.fromEntries(['actor', 'action', 'outcome', 'since', 'until', 'before', 'limit', 'project'].map((k) => [k, c.req.query(k)]));
  // ?format=jsonl: every entry the filters match, one JSON line each, as `spur audit --all --json` prints them.
  api.get('/audit', async (c) => {
    if (answerFormat(c.req.query('format')) === 'jsonl') return jsonLinesResponse(await audit.auditExport(deps, c.get('user'), auditQuery(c)), 'spur-audit.jsonl');
    return c.json({ entries: await audit.installationAudit(deps, c.get('user'), auditQuery(c)) });
  });
  api.get('/audit/verify', async (c) => c.json(await audit.verifyAudit(deps, c.get('user'))));
  api.get('/projects/:project/audit', async (c) => {
    const project = c.req.param('project');
    if (answerFormat(c.req.query('format')) === 'jsonl') return jsonLinesResponse(await audit.auditExport(deps, c.get('user'), auditQuery(c), project), `spur-audit-${project}.jsonl`);
    return c.json({ entries: await audit.projectAudit(deps, c.get('user'), project, auditQuery(c)) });
  });

  // The servers of the Swarm (an owner's): enrolled over SSH, drained, activated, removed.
  api.get('/servers', async (c) => c.json(await servers.serversView(deps, c.get('user'))));
  api.post('/servers', async (c) => c.json({ server: await servers.addServer(deps, c.get('user'), await jsonBody(c)) }, 202));
  api.get('/servers/:name', async (c) => c.json({ server: await servers.serverDetail(deps, c.get('user'), c.req.param('name')) }));
  api.get('/servers/:name/metrics', async (c) => c.json(await servers.serverMetrics(deps, c.get('user'), c.req.param('name'), c.req.query('range'))));
  api.post('/servers/:name/drain', async (c) => c.json({ server: await servers.changeServer(deps, c.get('user'), c.req.param('name'), 'drain') }));
  api.post('/servers/:name/activate', async (c) => c.json({ server: await servers.changeServer(deps, c.get('user'), c.req.param('name'), 'activate') }));
  api.post('/servers/:name/build-server', async (c) => c.json({ server: await servers.changeServer(deps, c.get('user'), c.req.param('name'), 'build-here') }));
  api.delete('/servers/:name/build-server', async (c) => c.json({ server: await servers.changeServer(deps, c.get('user'), c.req.param('name'), 'build-on-manager') }));
  api.delete('/servers/:name', async (c) => {
    await servers.removeServer(deps, c.get('user'), c.req.param('name'));
    return c.json({ removed: c.req.param('name') });
  });

  api.get('/projects', async (c) => {
    const projects = await listProjectsFor(deps.db, c.get('user'));
    return c.json({ projects: await Promise.all(projects.map(async (p) => ops.toProjectView(p, await listEnvironments(deps.db, p.id)))) });
  });
  api.post('/projects', async (c) => {
    const project = await ops.addProject(deps, c.get('user'), await jsonBody(c));
    return c.json({ project: ops.toProjectView(project, await listEnvironments(deps.db, project.id)) }, 201);
  });
  api.get('/projects/:project', async (c) => {
    const project = await getProjectFor(deps.db, c.get('user'), c.req.param('project'), 'project.read');
    const services = await listServices(deps.db, project.id);
    return c.json({ project: ops.toProjectView(project, await listEnvironments(deps.db, project.id)), services: services.map((s) => ({ name: s.name, source: sourceView(s) })) });
  });
  api.delete('/projects/:project', async (c) => {
    await ops.deleteProject(deps, c.get('user'), c.req.param('project'), await jsonBody(c));
    return c.json({ deleted: c.req.param('project') });
  });
  api.delete('/projects/:project/environments/:environment', async (c) => {
    await ops.deleteEnvironment(deps, c.get('user'), { project: c.req.param('project'), environment: c.req.param('environment') }, await jsonBody(c));
    return c.json({ deleted: c.req.param('environment') });
  });
  // Databases of a project environment (?env=, production by default).
  api.get('/projects/:project/databases', async (c) => c.json({ databases: await db.listDatabaseViews(deps, c.get('user'), c.req.param('project'), c.req.query('env')) }));
  api.post('/projects/:project/databases', async (c) => c.json({ database: await db.addDatabase(deps, c.get('user'), c.req.param('project'), await jsonBody(c), c.req.query('env')) }, 201));
  api.get('/projects/:project/databases/:name', async (c) => c.json({ database: await db.databaseView(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.query('env')) }));
  api.patch('/projects/:project/databases/:name', async (c) => c.json({ database: await db.changeDatabase(deps, c.get('user'), c.req.param('project'), c.req.param('name'), await jsonBody(c), c.req.query('env')) }));
  api.post('/projects/:project/databases/:name/restart', async (c) => c.json({ database: await db.restartDatabase(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.query('env')) }));
  api.get('/projects/:project/databases/:name/metrics', async (c) => c.json(await db.databaseMetrics(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.query('range'), c.req.query('env'))));
  api.get('/projects/:project/databases/:name/logs', async (c) => c.json({ lines: await db.databaseLogs(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.query('tail'), c.req.query('env')) }));
  api.get('/projects/:project/databases/:name/credentials', async (c) => c.json({ variables: await db.databaseCredentials(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.query('env')) }));
  api.get('/projects/:project/databases/:name/backups', async (c) => c.json({ backups: await db.backupsOf(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.query('env')) }));
  api.post('/projects/:project/databases/:name/backups', async (c) => {
    const backup = await db.backUpDatabase(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.query('env'));
    return c.json({ backup }, backup.status === 'ok' ? 201 : 500);
  });
  api.get('/projects/:project/databases/:name/backups/:id/file', async (c) => {
    const { path, filename } = await db.backupFile(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.param('id'), c.req.query('env'));
    return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${filename}"` } });
  });
  api.post('/projects/:project/databases/:name/backups/:id/verify', async (c) => c.json({ backup: await db.verifyDatabaseBackup(deps, c.get('user'), c.req.param('project'), c.req.param('name'), c.req.param('id'), c.req.query('env')) }));
  api.post('/projects/:project/databases/:name/restore', async (c) => c.json({ restored: await db.restoreDatabase(deps, c.get('user'), c.req.param('project'), c.req.param('name'), await jsonBody(c), c.req.query('env')) }));
  api.delete('/projects/:project/databases/:name', async (c) => {
    await db.deleteDatabase(deps, c.get('user'), c.req.param('project'), c.req.param('name'), await jsonBody(c), c.req.query('env'));
    return c.json({ deleted: c.req.param('name') });
  });
  // One-click apps: the catalogue (anyone's to read) and deploying one into a project as a Compose app.
  api.get('/templates', (c) => c.json({ templates: templates.listTemplates(c.req.query('q')) }));
  api.get('/templates/:id', (c) => c.json({ template: templates.showTemplate(c.req.param('id')) }));
  api.post('/projects/:project/templates/:id', async (c) => {
    const deployed = await templates.deployTemplate(deps, c.get('user'), c.req.param('project'), c.req.param('id'), await jsonBody(c));
    return c.json(deployed, deployed.deployment ? 202 : 201);
  });
  // Compose apps: PUT saves (creates or replaces) the file, with `deploy: true` deploys it too.
  api.get('/projects/:project/compose', async (c) => c.json({ apps: await compose.listComposeAppsOf(deps, c.get('user'), c.req.param('project')) }));
  api.get('/projects/:project/compose/:name', async (c) => c.json(await compose.showComposeApp(deps, c.get('user'), c.req.param('project'), c.req.param('name'), { environment: c.req.query('env') })));
  api.put('/projects/:project/compose/:name', async (c) => {
    const saved = await compose.saveComposeApp(deps, c.get('user'), c.req.param('project'), c.req.param('name'), await jsonBody(c));
    return c.json(saved, saved.deployment ? 202 : 200);
  });
  api.post('/projects/:project/compose/:name/deploy', async (c) => c.json({ deployment: await compose.deployComposeApp(deps, c.get('user'), c.req.param('project'), c.req.param('name'), await jsonBody(c)) }, 202));
  api.post('/projects/:project/compose/:name/rollback', async (c) => c.json({ deployment: await compose.rollbackComposeApp(deps, c.get('user'), c.req.param('project'), c.req.param('name'), await jsonBody(c)) }, 202));
  api.get('/projects/:project/compose/:name/deployments/:id', async (c) =>
    c.json({ deployment: await compose.composeDeploymentOf(deps, c.get('user'), c.req.param('project'), c.req.param('name'), validate.integer('deployment', c.req.param('id'), 1, Number.MAX_SAFE_INTEGER)) }),
  );
  api.delete('/projects/:project/compose/:name', async (c) => c.json(await compose.deleteComposeApp(deps, c.get('user'), c.req.param('project'), c.req.param('name'), await jsonBody(c))));
  api.get('/projects/:project/services/:service/volumes', async (c) => c.json({ volumes: await ops.volumesOf(deps, await instanceOf(c, 'project.read')) }));
  api.post('/projects/:project/services/:service/volumes', async (c) => c.json({ volume: await ops.addVolume(deps, await instanceOf(c, 'volumes.change'), await jsonBody(c)) }, 201));
  // Volume backups (actions/volume-backups.ts).
  api.get('/projects/:project/services/:service/volumes/:name/backups', async (c) => c.json(await ops.volumeBackupsOf(deps, await instanceOf(c, 'project.read'), c.req.param('name'))));
  api.post('/projects/:project/services/:service/volumes/:name/backups', async (c) => c.json({ backup: await ops.backUpVolumeNow(deps, await instanceOf(c, 'volumes.change'), c.req.param('name')) }, 201));
  api.patch('/projects/:project/services/:service/volumes/:name', async (c) => c.json(await ops.changeVolumeBackups(deps, await instanceOf(c, 'volumes.change'), c.req.param('name'), await jsonBody(c))));
  api.post('/projects/:project/services/:service/volumes/:name/restore', async (c) => c.json(await ops.restoreVolume(deps, await instanceOf(c, 'volumes.restore'), c.req.param('name'), await jsonBody(c)), 202));
  api.delete('/projects/:project/services/:service/volumes/:name', async (c) => {
    const dockerVolume = await ops.removeVolume(deps, await instanceOf(c, 'volumes.change'), c.req.param('name'));
    return c.json({ removed: c.req.param('name'), dockerVolume });
  });
  api.delete('/projects/:project/services/:service', async (c) => {
    await ops.deleteService(deps, c.get('user'), { project: c.req.param('project'), service: c.req.param('service') }, await jsonBody(c));
    return c.json({ deleted: c.req.param('service') });
  });
  // Protected environments and the requests that wait there for an admin (actions/requests.ts).
  api.get('/projects/:project/environments', async (c) => c.json({ environments: await requests.environmentsOf(deps, c.get('user'), c.req.param('project')) }));
  api.put('/projects/:project/environments/:environment/protection', async (c) => c.json(await requests.protectEnvironment(deps, c.get('user'), { project: c.req.param('project'), environment: c.req.param('environment') }, await jsonBody(c))));
  api.get('/projects/:project/requests', async (c) => c.json({ requests: await requests.requestsOf(deps, c.get('user'), c.req.param('project')) }));
  api.post('/projects/:project/requests/:id/approve', async (c) => c.json({ request: await requests.approveRequest(deps, c.get('user'), c.req.param('project'), c.req.param('id')) }));
  api.post('/projects/:project/requests/:id/reject', async (c) => c.json({ request: await requests.rejectRequest(deps, c.get('user'), c.req.param('project'), c.req.param('id'), await jsonBody(c)) }));
  api.post('/projects/:project/requests/:id/cancel', async (c) => c.json({ request: await requests.cancelRequest(deps, c.get('user'), c.req.param('project'), c.req.param('id')) }));
  api.post('/projects/:project/environments', async (c) => {
    const env = await ops.addEnvironment(deps, c.get('user'), c.req.param('project'), await jsonBody(c));
    return c.json({ environment: { name: env.name } }, 201);
  });

  // Project members, with their roles (the project's admins' and the owners'), as the Members page.
  api.get('/projects/:project/members', async (c) => c.json({ members: await ops.listMembers(deps, c.get('user'), c.req.param('project')) }));
  api.post('/projects/:project/members', async (c) => {
    // Adds a member, or with an existing member's email, gives them this role.
    return c.json({ member: await ops.addMember(deps, c.get('user'), c.req.param('project'), await jsonBody(c)) }, 201);
  });

  api.delete('/projects/:project/members/:email', async (c) => {
    await ops.removeMember(deps, c.get('user'), c.req.param('project'), c.req.param('email'));
    return c.json({ ok: true });
  });
  // One's own leaving (never the project's last admin).
  api.post('/projects/:project/leave', async (c) => {
    await ops.leaveProject(deps, c.get('user'), c.req.param('project'));
    return c.json({ left: c.req.param('project') });
  });
  // Invitations (as the Members page): a new one's link is in this one answer when it was not mailed.
  api.get('/projects/:project/invitations', async (c) => c.json({ invitations: await ops.listInvitations(deps, c.get('user'), c.req.param('project')) }));
  api.post('/projects/:project/invitations', async (c) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await ops.invite(deps, c.get('user'), c.req.param('project'), await jsonBody(c)), 201);
  });
  api.delete('/projects/:project/invitations/:id', async (c) => c.json({ revoked: await ops.cancelInvitation(deps, c.get('user'), c.req.param('project'), c.req.param('id')) }));

  // Users (an owner's), as the Users page and `spur user` on the server.
  api.get('/users', async (c) => c.json({ users: await users.listUsers(deps, c.get('user')) }));
  api.post('/users', async (c) => c.json({ user: await users.addUser(deps, c.get('user'), await jsonBody(c)) }, 201));
  api.post('/users/:email/password', async (c) => c.json({ passwordSet: await users.resetPassword(deps, c.get('user'), c.req.param('email'), (await jsonBody(c)).password) }));
  api.delete('/users/:email', async (c) => c.json({ removed: await users.deleteUser(deps, c.get('user'), c.req.param('email')) }));
  // An owner turns off a user's two-factor sign-in (lost phone and recovery codes); recorded.
  api.delete('/users/:email/two-factor', async (c) => c.json({ twoFactorReset: await twoFactor.resetTwoFactor(deps, c.get('user'), c.req.param('email')) }));

  // One's own API tokens, as the Account page (actions/tokens.ts: a token makes none that does more than itself).
  api.get('/tokens', async (c) => c.json({ tokens: await tokens.listTokens(deps, c.get('user')) }));
  api.post('/tokens', async (c) => c.json({ token: await tokens.createToken(deps, c.get('user'), await jsonBody(c)) }, 201));
  api.delete('/tokens/:id', async (c) => {
    await tokens.revokeToken(deps, c.get('user'), c.req.param('id'));
    return c.json({ ok: true });
  });

  api.get('/keys', async (c) => c.json({ keys: (await listSshKeys(deps.db, c.get('user').id)).map(ops.toKeyView) }));
  api.post('/keys', async (c) => c.json({ key: await ops.addKey(deps, c.get('user'), await jsonBody(c)) }, 201));
  api.delete('/keys/:id', async (c) => {
    await ops.removeKey(deps, c.get('user'), c.req.param('id'));
    return c.json({ ok: true });
  });

  api.get('/projects/:project/services', async (c) => {
    const project = await getProjectFor(deps.db, c.get('user'), c.req.param('project'), 'project.read');
    return c.json({ services: (await listServices(deps.db, project.id)).map((s) => ({ name: s.name, source: sourceView(s) })) });
  });
  api.post('/projects/:project/services', async (c) => {
    const { service, deployment, notDeployed } = await ops.launchService(deps, c.get('user'), c.req.param('project'), await jsonBody(c), `api:${c.get('user').email}`);
    return c.json({ service: { name: service.name, source: sourceView(service) }, deployment: deployment && ops.toDeploymentView(deployment), notDeployed }, 201);
  });
  api.put('/projects/:project/services/:service/source', async (c) => {
    const change = await changeServiceSource(deps, c.get('user'), { project: c.req.param('project'), service: c.req.param('service') }, await jsonBody(c));
    return c.json({ service: { name: c.req.param('service'), source: change.source }, notes: [...change.notes, SOURCE_CHANGE_NOTE] });
  });
  api.get('/projects/:project/services/:service', async (c) => c.json(await ops.instanceStatus(deps, await instanceOf(c, 'project.read'))));
  api.patch('/projects/:project/services/:service/settings', async (c) => {
    const ctx = await instanceOf(c, 'service.change');
    const body = await jsonBody(c);
    await ops.changeSettings(deps, c.get('user'), ctx, body);
    return c.json(await ops.instanceStatus(deps, await instanceOf(c, 'service.change')));
  });

  api.get('/projects/:project/services/:service/domains', async (c) => c.json({ domains: await ops.domainsOf(deps, await instanceOf(c, 'project.read')) }));
  api.post('/projects/:project/services/:service/domains', async (c) => c.json({ domain: await ops.addDomain(deps, await instanceOf(c, 'domains.change'), await jsonBody(c)) }, 201));
  api.patch('/projects/:project/services/:service/domains/:hostname', async (c) => c.json({ domain: await ops.changeDomain(deps, await instanceOf(c, 'domains.change'), c.req.param('hostname'), await jsonBody(c)) }));
  api.delete('/projects/:project/services/:service/domains/:hostname', async (c) => {
    await ops.removeDomain(deps, await instanceOf(c, 'domains.change'), c.req.param('hostname'));
    return c.json({ deleted: c.req.param('hostname') });
  });

  api.get('/projects/:project/services/:service/git', async (c) => c.json(await ops.gitAccess(deps, await instanceOf(c, 'service.git-access'))));
  api.put('/projects/:project/services/:service/credentials', async (c) => {
    const ctx = await instanceOf(c, 'service.change');
    await ops.changeHttpsToken(deps, ctx, await jsonBody(c));
    return c.json({ httpsToken: (await ops.gitAccess(deps, await instanceOf(c, 'service.change'))).httpsToken });
  });
  // Shared variables of a project environment (?env=), referenced as ${{shared.NAME}}.
  const masked = (names: string[]) => Object.fromEntries(names.map((n) => [n, '••••••']));
  api.get('/projects/:project/shared-variables', async (c) => {
    const [project, env] = [c.req.param('project'), c.req.query('env')];
    if (c.req.query('reveal') === '1') return c.json({ variables: await shared.revealSharedVariables(deps, c.get('user'), project, env) });
    return c.json({ variables: masked(await shared.sharedVariableNames(deps, c.get('user'), project, env)) });
  });
  api.put('/projects/:project/shared-variables', async (c) => {
    const body = await jsonBody(c);
    return c.json({ variables: masked(await shared.changeSharedVariables(deps, c.get('user'), c.req.param('project'), body.variables ?? body, c.req.query('env'))) });
  });
  api.delete('/projects/:project/shared-variables/:key', async (c) => {
    const [project, env, key] = [c.req.param('project'), c.req.query('env'), validate.variableKey(c.req.param('key'))];
    if (!(await shared.sharedVariableNames(deps, c.get('user'), project, env)).includes(key)) throw new NotFound(`there is no shared variable ${key}`);
    return c.json({ variables: masked(await shared.changeSharedVariables(deps, c.get('user'), project, { [key]: null }, env)) });
  });
  api.get('/projects/:project/services/:service/variables', async (c) => {
    const ctx = await instanceOf(c, 'variables.read-names');
    if (c.req.query('reveal') === '1') return c.json({ variables: await ops.revealVariables(deps, ctx) });
    const names = await ops.variableNames(deps, ctx);
    return c.json({ variables: Object.fromEntries(names.map((n) => [n, '••••••'])) });
  });
  api.put('/projects/:project/services/:service/variables', async (c) => {
    const ctx = await instanceOf(c, 'variables.change');
    const body = await jsonBody(c);
    const names = await ops.changeVariables(deps, ctx, body.variables ?? body);
    return c.json({ variables: Object.fromEntries(names.map((n) => [n, '••••••'])) });
  });
  // All variables as one .env text (the owner's): read, or made exactly so in one change.
  api.get('/projects/:project/services/:service/variables/text', async (c) => c.json({ env: await variablesText(deps, await instanceOf(c, 'variables.reveal')) }));
  api.put('/projects/:project/services/:service/variables/text', async (c) => {
    const [ctx, body] = [await instanceOf(c, 'variables.reveal'), await jsonBody(c)];
    const dryRun = body.dryRun === true;
    const diff = dryRun ? await previewVariablesText(deps, ctx, body) : await replaceVariablesText(deps, ctx, body);
    return c.json({ ...diff, summary: describeDiff(diff), applied: !dryRun });
  });

  api.delete('/projects/:project/services/:service/variables/:key', async (c) => {
    const ctx = await instanceOf(c, 'variables.change');
    const key = validate.variableKey(c.req.param('key'));
    if (!(await ops.variableNames(deps, ctx)).includes(key)) throw new NotFound(`there is no variable ${key}`);
    const names = await ops.changeVariables(deps, ctx, { [key]: null });
    return c.json({ variables: Object.fromEntries(names.map((n) => [n, '••••••'])) });
  });

  api.post('/projects/:project/services/:service/deployments', async (c) => {
    const ctx = await instanceOf(c, 'deploy');
    const deployment = await ops.deployAsked(deps, ctx, { trigger: `api:${c.get('user').email}`, requestedBy: c.get('user').id });
    return c.json({ deployment: ops.toDeploymentView(deployment) }, 202);
  });
  api.post('/projects/:project/services/:service/rollback', async (c) => {
    const ctx = await instanceOf(c, 'rollback'); // the door before the body is read
    const body = c.req.header('Content-Type')?.includes('json') ? await jsonBody(c) : {};
    const deployment = await ops.rollback(deps, ctx, body, { trigger: `rollback:${c.get('user').email}`, requestedBy: c.get('user').id });
    return c.json({ deployment: ops.toDeploymentView(deployment) }, 202);
  });
  api.post('/projects/:project/services/:service/promote', async (c) => {
    const ctx = await instanceOf(c, 'deploy');
    const deployment = await ops.promote(deps, ctx, await jsonBody(c), { trigger: `promote:${c.get('user').email}`, requestedBy: c.get('user').id });
    return c.json({ deployment: ops.toDeploymentView(deployment) }, 202);
  });
  api.post('/projects/:project/services/:service/release', async (c) => c.json(await ops.steerRelease(deps, await instanceOf(c, 'deploy'), await jsonBody(c))));
  api.post('/projects/:project/services/:service/run', async (c) => {
    const run = await ops.prepareRun(deps, await instanceOf(c, 'run'), await jsonBody(c));
    return oneOffStream(c, deps, run, c.get('user').id);
  });
  // Previews of pull requests (actions/previews.ts).
  api.get('/projects/:project/previews', async (c) => c.json({ previews: await ops.previewsOf(deps, c.get('user'), c.req.param('project')) }));
  api.get('/projects/:project/services/:service/previews', async (c) => c.json({ previews: ops.previewSettingsOf((await instanceOf(c, 'project.read')).service) }));
  api.put('/projects/:project/services/:service/previews', async (c) => c.json({ previews: await ops.setPreviews(deps, await instanceOf(c, 'previews.change'), await jsonBody(c)) }));
  // Scheduled jobs (actions/cron-jobs.ts).
  api.get('/projects/:project/services/:service/jobs', async (c) => c.json({ jobs: await ops.cronJobsOf(deps, await instanceOf(c, 'project.read')) }));
  api.post('/projects/:project/services/:service/jobs', async (c) => c.json({ job: await ops.addCronJob(deps, await instanceOf(c, 'jobs.change'), await jsonBody(c)) }, 201));
  api.patch('/projects/:project/services/:service/jobs/:job', async (c) => c.json({ job: await ops.changeCronJob(deps, await instanceOf(c, 'jobs.change'), c.req.param('job'), await jsonBody(c)) }));
  api.delete('/projects/:project/services/:service/jobs/:job', async (c) => {
    await ops.removeCronJob(deps, await instanceOf(c, 'jobs.change'), c.req.param('job'));
    return c.json({ removed: c.req.param('job') });
  });
  api.post('/projects/:project/services/:service/jobs/:job/run', async (c) => c.json({ run: await ops.runCronJobNow(deps, await instanceOf(c, 'run'), c.req.param('job')) }, 202));
  api.get('/projects/:project/services/:service/jobs/:job/runs', async (c) => c.json({ runs: await ops.cronRunsOf(deps, await instanceOf(c, 'logs.read'), c.req.param('job')) }));
  api.get('/projects/:project/services/:service/build-plan', async (c) => c.json(await ops.previewBuild(deps, await instanceOf(c, 'project.read'))));
  api.post('/projects/:project/services/:service/cancel', async (c) => c.json({ cancelled: await ops.cancel(deps, await instanceOf(c, 'cancel')) }));
  api.post('/projects/:project/services/:service/scale', async (c) => c.json(await ops.scale(deps, await instanceOf(c, 'service.change'), await jsonBody(c))));
  api.get('/projects/:project/services/:service/deployments', async (c) => {
    const ctx = await instanceOf(c, 'project.read');
    return c.json({ deployments: (await ops.deploymentsOf(deps, ctx)).map(ops.toDeploymentView), scaling: await ops.scaleEventsOf(deps, ctx) });
  });
  api.get('/projects/:project/services/:service/metrics', async (c) => c.json(await ops.serviceMetrics(deps, await instanceOf(c, 'project.read'), c.req.query('range'))));
  api.get('/projects/:project/services/:service/logs', async (c) => {
    const tail = validate.optional(c.req.query('tail'), (v) => validate.integer('tail', v, 0, 10_000)) ?? 100;
    return runtimeLogStream(c, deps, await instanceOf(c, 'logs.read'), { userId: c.get('user').id, follow: c.req.query('follow') === '1', all: c.req.query('all') === '1', tail, render: (line) => ({ event: 'line', data: JSON.stringify({ line }) }) });
  });

  const deploymentId = (raw: string) => validate.integer('deployment id', raw, 1, Number.MAX_SAFE_INTEGER);
  api.get('/deployments/:id', async (c) => c.json({ deployment: await ops.deploymentWithSteps(deps, (await ops.deploymentFor(deps, c.get('user'), deploymentId(c.req.param('id')), 'project.read')).deployment) }));
  api.get('/deployments/:id/events', async (c) => {
    const { deployment } = await ops.deploymentFor(deps, c.get('user'), deploymentId(c.req.param('id')), 'logs.read');
    return deploymentEventStream(c, deps, deployment.id, async (e) => {
      if (e.type === 'line') return [{ event: 'line', id: String(e.id), data: JSON.stringify({ line: e.line }) }];
      // Besides the status, the whole record (commit, image, steps) as it is now.
      const record = { event: 'deployment', data: JSON.stringify(await ops.deploymentWithSteps(deps, await getDeployment(deps.db, deployment.id))) };
      return e.type === 'status' ? [{ event: 'status', data: JSON.stringify({ status: e.status, reason: e.reason ?? null }) }, record] : [record];
    });
  });
  return api;
}
