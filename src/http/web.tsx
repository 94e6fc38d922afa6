// The web UI's pages and form actions, behind a browser session.
import { Hono } from 'hono';
import type { Context } from 'hono';
import { LogLine, StatusBadge } from '../../views/components/deployment.js';
import { stripAnsi } from '../../views/components/ansi.js';
import { DashboardPage } from '../../views/pages/dashboard.js';
import { DeploymentPage } from '../../views/pages/deployment.js';
import { ProjectPage } from '../../views/pages/project.js';
import { KeysPage } from '../../views/pages/keys.js';
import { type ServiceTab, ServicePage, serviceTabUrl } from '../../views/pages/service.js';
import { readDeploymentLog } from '../store/deployments.js';
import { listSshKeys, removeSshKey } from '../store/ssh-keys.js';
import type { Deps } from '../deps.js';
import { getProjectFor, listProjectsFor } from '../store/access.js';
import { listEnvironments } from '../store/projects.js';
import { listServices } from '../store/services.js';
import * as validate from '../validate.js';
import { type AuthEnv, requireSession } from './auth.js';
import * as ops from './operations.js';
import { deploymentEventStream, runtimeLogLines, runtimeLogStream } from './streams.js';

type Form = Record<string, unknown>;

/** A log as a downloaded text file; the name is built from validated names only. */
const textFile = (c: Context, name: string, lines: string[]) =>
  c.body(lines.join('\n') + '\n', 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });

export function webRoutes(deps: Deps) {
  const web = new Hono<AuthEnv>();
  web.use('*', requireSession(deps));
  const frame = (c: Context<AuthEnv>) => ({ user: c.get('user'), csrfToken: c.get('csrfToken'), engineProblem: deps.engine.ready ? undefined : deps.engine.state.problem });
  const form = async (c: Context<AuthEnv>) => (await c.req.parseBody()) as Form;
  const instanceOf = (c: Context<AuthEnv>) => ops.findInstance(deps, c.get('user'), { project: c.req.param('project')!, service: c.req.param('service')!, environment: c.req.query('env') });
  const servicePath = (ctx: { project: { name: string }; service: { name: string }; environment: { name: string } }, tab: ServiceTab = 'overview') =>
    serviceTabUrl({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }, tab);

  web.get('/', async (c) => {
    const projects = await Promise.all(
      (await listProjectsFor(deps.db, c.get('user'))).map(async (p) => ({
        name: p.name,
        environments: (await listEnvironments(deps.db, p.id)).map((e) => e.name),
        services: (await listServices(deps.db, p.id)).length,
      })),
    );
    return c.html(<DashboardPage frame={frame(c)} projects={projects} />);
  });

  web.post('/projects', async (c) => {
    const project = await ops.addProject(deps, c.get('user'), await form(c));
    return c.redirect(`/projects/${project.name}`, 303);
  });

  web.get('/projects/:project', async (c) => {
    const project = await getProjectFor(deps.db, c.get('user'), c.req.param('project'));
    const environments = (await listEnvironments(deps.db, project.id)).map((e) => e.name);
    const environment = environments.includes(c.req.query('env') ?? '') ? c.req.query('env')! : 'production';
    const services = await Promise.all(
      (await listServices(deps.db, project.id)).map(async (svc) => {
        const status = await ops.instanceStatus(deps, await ops.findInstance(deps, c.get('user'), { project: project.name, service: svc.name, environment }));
        const shown = status.activeDeployment ?? status.deployment;
        return {
          name: svc.name,
          source: svc.source_type === 'git' ? 'git' : svc.source_type === 'push' ? 'git push' : (svc.image ?? ''),
          status: shown?.status ?? null,
          serving: status.activeDeployment?.id ?? null,
          url: status.publicUrls[0] ?? null,
          running: status.running,
          replicas: status.replicas,
          lastDeployAt: status.deployment?.createdAt ?? null,
        };
      }),
    );
    return c.html(<ProjectPage frame={frame(c)} name={project.name} environment={environment} environments={environments} services={services} canDelete={c.get('user').role === 'owner'} />);
  });
  web.post('/projects/:project/delete', async (c) => {
    await ops.deleteProject(deps, c.get('user'), c.req.param('project'), await form(c));
    return c.redirect('/', 303);
  });
  web.post('/projects/:project/environments/:environment/delete', async (c) => {
    await ops.deleteEnvironment(deps, c.get('user'), { project: c.req.param('project'), environment: c.req.param('environment') }, await form(c));
    return c.redirect(`/projects/${c.req.param('project')}`, 303);
  });
  web.post('/projects/:project/environments', async (c) => {
    await ops.addEnvironment(deps, c.get('user'), c.req.param('project'), await form(c));
    return c.redirect(`/projects/${c.req.param('project')}`, 303);
  });
  web.post('/projects/:project/services', async (c) => {
    const service = await ops.addService(deps, c.get('user'), c.req.param('project'), await form(c));
    return c.redirect(`/projects/${c.req.param('project')}/services/${service.name}`, 303);
  });

  const servicePage = (tab: ServiceTab) => async (c: Context<AuthEnv>) => {
    const ctx = await instanceOf(c);
    const status = await ops.instanceStatus(deps, ctx);
    const deployments = (await ops.deploymentsOf(deps, ctx)).map(ops.toDeploymentView);
    const environments = (await listEnvironments(deps.db, ctx.project.id)).map((e) => e.name);
    return c.html(
      <ServicePage tab={tab} frame={frame(c)} git={ctx.service.source_type === 'image' ? undefined : ops.gitAccess(deps, ctx)} status={status} environments={environments} variableNames={await ops.variableNames(deps, ctx)} deployments={deployments} customDomain={ctx.instance.custom_domain} />,
    );
  };
  web.get('/projects/:project/services/:service', servicePage('overview'));
  for (const tab of ['deployments', 'variables', 'settings', 'logs'] as const) web.get(`/projects/:project/services/:service/${tab}`, servicePage(tab));
  web.post('/projects/:project/services/:service/deploy', async (c) => {
    const deployment = await ops.deploy(deps, await instanceOf(c), `ui:${c.get('user').email}`);
    return c.redirect(`/deployments/${deployment.id}`, 303);
  });
  web.post('/projects/:project/services/:service/rollback', async (c) => {
    const deployment = await ops.rollback(deps, await instanceOf(c), await form(c), `rollback:${c.get('user').email}`);
    return c.redirect(`/deployments/${deployment.id}`, 303);
  });
  web.post('/projects/:project/services/:service/cancel', async (c) => {
    const ctx = await instanceOf(c);
    await ops.cancel(deps, ctx);
    return c.redirect(servicePath(ctx), 303);
  });
  web.post('/projects/:project/services/:service/scale', async (c) => {
    const ctx = await instanceOf(c);
    await ops.scale(deps, ctx, await form(c));
    return c.redirect(servicePath(ctx, 'settings'), 303);
  });
  web.post('/projects/:project/services/:service/credentials', async (c) => {
    const ctx = await instanceOf(c);
    await ops.changeHttpsToken(deps, ctx, await form(c));
    return c.redirect(servicePath(ctx, 'settings'), 303);
  });
  web.post('/projects/:project/services/:service/settings', async (c) => {
    const ctx = await instanceOf(c);
    await ops.changeSettings(deps, ctx, await form(c));
    return c.redirect(servicePath(ctx, 'settings'), 303);
  });
  web.post('/projects/:project/services/:service/variables', async (c) => {
    const ctx = await instanceOf(c);
    const body = await form(c);
    const value = typeof body.value === 'string' && body.value !== '' ? body.value : null;
    await ops.changeVariables(deps, ctx, { [String(body.key ?? '')]: value });
    return c.redirect(servicePath(ctx, 'variables'), 303);
  });
  web.post('/projects/:project/services/:service/variables/remove', async (c) => {
    const ctx = await instanceOf(c);
    await ops.changeVariables(deps, ctx, { [String((await form(c)).key ?? '')]: null });
    return c.redirect(servicePath(ctx, 'variables'), 303);
  });
  web.post('/projects/:project/services/:service/delete', async (c) => {
    await ops.deleteService(deps, c.get('user'), { project: c.req.param('project'), service: c.req.param('service') }, await form(c));
    return c.redirect(`/projects/${c.req.param('project')}`, 303);
  });
  web.get('/projects/:project/services/:service/logs.txt', async (c) => {
    const ctx = await instanceOf(c);
    const lines = await runtimeLogLines(deps, ctx, 5000);
    return textFile(c, `${ctx.project.name}-${ctx.service.name}-${ctx.environment.name}.log`, lines.map(stripAnsi));
  });
  web.get('/projects/:project/services/:service/logs/events', async (c) =>
    runtimeLogStream(c, deps, await instanceOf(c), { userId: c.get('user').id, follow: true, tail: 200, render: (line) => ({ event: 'line', data: String(<LogLine line={line} />) }) }),
  );

  web.get('/keys', async (c) => c.html(<KeysPage frame={frame(c)} keys={(await listSshKeys(deps.db, c.get('user').id)).map(ops.toKeyView)} />));
  web.post('/keys', async (c) => {
    await ops.addKey(deps, c.get('user'), await form(c));
    return c.redirect('/keys', 303);
  });
  web.post('/keys/:id/remove', async (c) => {
    await removeSshKey(deps.db, c.get('user').id, validate.integer('key id', c.req.param('id'), 1, Number.MAX_SAFE_INTEGER));
    return c.redirect('/keys', 303);
  });

  const deploymentId = (raw: string) => validate.integer('deployment id', raw, 1, Number.MAX_SAFE_INTEGER);
  web.get('/deployments/:id', async (c) => {
    const { deployment: d, ctx } = await ops.deploymentFor(deps, c.get('user'), deploymentId(c.req.param('id')));
    return c.html(<DeploymentPage frame={frame(c)} project={ctx.project.name} service={ctx.service.name} environment={ctx.environment.name} deployment={ops.toDeploymentView(d)} />);
  });
  web.get('/deployments/:id/log.txt', async (c) => {
    const { deployment: d } = await ops.deploymentFor(deps, c.get('user'), deploymentId(c.req.param('id')));
    const lines = (await readDeploymentLog(deps.db, d.id)).map((l) => stripAnsi(l.line));
    return textFile(c, `deployment-${d.id}.log`, lines);
  });
  web.get('/deployments/:id/events', async (c) => {
    const { deployment: d } = await ops.deploymentFor(deps, c.get('user'), deploymentId(c.req.param('id')));
    return deploymentEventStream(c, deps, d.id, (e) => {
      if (e.type === 'line') return [{ event: 'line', id: String(e.id), data: String(<LogLine line={e.line} />) }];
      const events = [{ event: 'status', data: String(<StatusBadge status={e.status} />) }];
      if (e.reason) events.push({ event: 'reason', data: String(<p class="error">{e.reason}</p>) });
      return events;
    });
  });
  return web;
}
