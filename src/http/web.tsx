// The web UI's pages and form actions, behind a browser session. Forms answer in place
// (forms.ts); status regions stay live (live.ts).
import { Hono } from 'hono';
import type { Context } from 'hono';
import { LogLine } from '../../views/components/deployment.js';
import { stripAnsi } from '../../views/components/ansi.js';
import type { FormState } from '../../views/components/form.js';
import { ProjectList } from '../../views/components/project-list.js';
import { ProjectCanvas } from '../../views/components/project-canvas.js';
import { DashboardPage, NewProjectForm } from '../../views/pages/dashboard.js';
import { DeploymentPage, deploymentFragments } from '../../views/pages/deployment.js';
import { DeleteEnvironmentForm, DeleteProjectForm, NewEnvironmentForm, NewServiceForm, ProjectPage } from '../../views/pages/project.js';
import { AddKeyForm, KeysPage } from '../../views/pages/keys.js';
import { NewDatabaseForm } from '../../views/components/databases.js';
import { addDatabase, listDatabaseViews } from '../actions/databases.js';
import { databasePages } from './web-databases.js';
import { composePages } from './web-compose.js';
import { templatePages } from './web-templates.js';
import { listComposeAppsOf } from '../actions/compose.js';
import { peoplePages } from './web-people.js';
import { ssoSettingsPages } from './web-sso-settings.js';
import { twoFactorPages } from './web-two-factor.js';
import { auditPages } from './web-audit.js';
import { alertPages } from './web-alerts.js';
import { webhookPages } from './web-webhooks.js';
import { changeSharedVariables, revealSharedVariables, sharedVariableNames } from '../actions/shared-variables.js';
import * as requests from '../actions/requests.js';
import { SetSharedVariableForm } from '../../views/components/shared-variables.js';
import { Forbidden, InvalidFields, NotFound } from '../errors.js';
import type { NodeWebSocket } from '@hono/node-ws';
import { ConsolePage } from '../../views/pages/console.js';
import { BackupStorageForm, BuildImagesForm, GeneralSettingsForm, RegistryForm, SettingsPage, SmtpForm } from '../../views/pages/settings.js';
import { changeSpurSettings, spurSettingsView } from '../actions/settings.js';
import { type ServicePageProps, paths } from '../../views/pages/service/common.js';
import { ServiceMetrics } from '../../views/pages/service/metrics.js';
import { serviceMetrics } from '../actions/metrics.js';
import { DeploymentsTable } from '../../views/pages/service/deployments.js';
import { StatusFacts } from '../../views/pages/service/overview.js';
import { ServiceHeadline, ServicePage } from '../../views/pages/service/page.js';
import { AddDomainForm, DeleteServiceForm, GitSettingsForm, HttpsTokenForm, PreviewsForm, ScaleForm, ServiceSettingsForm } from '../../views/pages/service/settings.js';
import { AddVolumeForm } from '../../views/pages/service/volumes.js';
import { AddJobForm } from '../../views/pages/service/jobs.js';
import { SourceForm } from '../../views/pages/service/source.js';
import { RawVariablesForm, VariablesDiffNote } from '../../views/pages/service/variables-text.js';
import { countDiff, describeDiff, previewVariablesText, replaceVariablesText, variablesText } from '../actions/variables-text.js';
import { SOURCE_CHANGE_NOTE, changeServiceSource } from '../actions/service-source.js';
import { ImportVariablesForm, RevealedValue, SetVariableForm } from '../../views/pages/service/variables.js';
import { getDeployment, readDeploymentLog } from '../store/deployments.js';
import { listSshKeys } from '../store/ssh-keys.js';
import type { Deps } from '../deps.js';
import { type AllowedInstance, type ProjectAction, getProjectFor, mayDo, openProject } from '../actions/access.js';
import { listEnvironments } from '../store/projects.js';
import type { InstanceContext } from '../store/services.js';
import * as validate from '../validate.js';
import { type AuthEnv, requireSession } from './auth.js';
import { answerForm, redirectWithToast, takeToast } from './forms.js';
import * as servers from '../actions/servers.js';
import { AddServerForm, ServerActionForm, ServerLog, ServerMetrics, ServerMetricsPage, ServerPage, ServersPage } from '../../views/pages/servers.js';
import { UpdateBanner } from '../../views/layout.js';
import { liveFragments } from './live.js';
import * as ops from '../actions/index.js';
import { type ServiceTab, SERVICE_TABS, mayAll, serviceLiveData, servicePageData, serviceTabUrl } from '../actions/page-data.js';
import { dashboardData } from '../actions/dashboard.js';
import { ActivityFeed, AttentionList } from '../../views/components/dashboard-sections.js';
import { projectCanvas } from '../actions/canvas.js';
import { deploymentEventStream, oneOffStream, runtimeLogLines, runtimeLogStream } from './streams.js';
import { searchPalette } from '../actions/palette.js';
import { PaletteResults } from '../../views/components/palette.js';

type Form = Record<string, unknown>;
type Forms = Record<string, FormState>;

/** A log as a downloaded text file; the name is built from validated names only. */
const textFile = (c: Context, name: string, lines: string[]) =>
  c.body(lines.join('\n') + '\n', 200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Disposition': `attachment; filename="${name}"` });

export function webRoutes(deps: Deps, sockets: { upgradeWebSocket: NodeWebSocket['upgradeWebSocket']; isOwnOrigin: (origin: string, url: string) => Promise<boolean> }) {
  const web = new Hono<AuthEnv>();
  web.use('*', requireSession(deps));
  const frame = (c: Context<AuthEnv>) => ({ user: c.get('user'), csrfToken: c.get('csrfToken'), daemonProblem: deps.daemon.ready ? undefined : deps.daemon.state.problem, update: mayDo(c.get('user'), 'update.start') ? deps.updates.available?.version : undefined, toast: takeToast(c) });
  const form = async (c: Context<AuthEnv>) => (await c.req.parseBody()) as Form;
  const user = (c: Context<AuthEnv>) => c.get('user');
  // The door (actions/access.ts): the service instance, for one action of the matrix.
  const instanceOf = (c: Context<AuthEnv>, action: ProjectAction) => ops.findInstance(deps, user(c), { project: c.req.param('project')!, service: c.req.param('service')!, environment: c.req.query('env') }, action);
  const servicePath = (ctx: InstanceContext, tab: ServiceTab = 'overview') =>
    serviceTabUrl({ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }, tab);

  // Dashboard
  const dashboard = async (c: Context<AuthEnv>, newProject?: FormState) => <DashboardPage frame={frame(c)} {...await dashboardData(deps, user(c))} newProject={newProject} />;
  web.get('/', async (c) => c.html(await dashboard(c)));
  web.get('/events', (c) =>
    liveFragments(c, deps, user(c).id, async () => {
      const data = await dashboardData(deps, user(c));
      return { attention: String(<AttentionList items={data.attention} />), projects: String(<ProjectList projects={data.projects} />), activity: String(<ActivityFeed items={data.activity} />) };
    }),
  );
  web.post('/projects', (c) =>
    answerForm(c, {
      run: (body) => ops.addProject(deps, user(c), body),
      done: (p) => ({ to: `/projects/${p.name}`, toast: `Project ${p.name} created` }),
      fragment: (state) => <NewProjectForm csrf={c.get('csrfToken')} state={state} />,
      page: (state) => dashboard(c, state),
    }),
  );

  // The command palette's results, as the fragment public/palette.js shows.
  web.get('/palette', async (c) => c.html(<PaletteResults q={c.req.query('q') ?? ''} {...await searchPalette(deps, user(c), c.req.query('q'))} />));

  // Spur itself: the owner starts an update to the newer release the banner offers.
  web.post('/update', (c) =>
    answerForm(c, {
      run: () => ops.startUpdate(deps, user(c)),
      done: (version) => ({ to: '/', toast: `Updating to Spur ${version}: it restarts in a moment, and apps keep serving` }),
      fragment: (state) => <UpdateBanner version={deps.updates.available?.version ?? ''} csrf={c.get('csrfToken')} error={state.errors['']} />,
      page: async (state) => <DashboardPage frame={{ ...frame(c), updateError: state.errors[''] }} {...await dashboardData(deps, user(c))} />,
    }),
  );

  // Project
  const environmentOf = async (c: Context<AuthEnv>, projectId: number) => {
    const environments = (await listEnvironments(deps.db, projectId)).map((e) => e.name);
    return { environments, environment: environments.includes(c.req.query('env') ?? '') ? c.req.query('env')! : 'production' };
  };
  const projectPage = async (c: Context<AuthEnv>, forms?: Forms) => {
    const { project, role } = await openProject(deps.db, user(c), c.req.param('project')!, 'project.read');
    const { environments, environment } = await environmentOf(c, project.id);
    const databases = await listDatabaseViews(deps, user(c), project.name, environment);
    const canvas = await projectCanvas(deps, user(c), project.name, environment, databases);
    const sharedVariables = await sharedVariableNames(deps, user(c), project.name, environment);
    const approvals = { protected: (await requests.environmentsOf(deps, user(c), project.name)).some((e) => e.name === environment && e.protected), canProtect: mayDo({ role }, 'environment.protect'), canDecide: mayDo({ role }, 'requests.decide'), me: user(c).email, requests: await requests.requestsOf(deps, user(c), project.name) };
    const composeApps = await listComposeAppsOf(deps, user(c), project.name);
    return <ProjectPage frame={frame(c)} name={project.name} environment={environment} environments={environments} canvas={canvas} databases={databases} composeApps={composeApps} sharedVariables={sharedVariables} may={mayAll({ role })} forms={forms} approvals={approvals} />;
  };
  // Protected environments and their requests (actions/requests.ts): plain forms, answered with a toast.
  const projectRequests = (c: Context<AuthEnv>) => `/projects/${c.req.param('project')}#requests`;
  web.post('/projects/:project/environments/:environment/protection', async (c) => {
    const r = await requests.protectEnvironment(deps, user(c), { project: c.req.param('project'), environment: c.req.param('environment') }, await form(c));
    return redirectWithToast(c, `/projects/${c.req.param('project')}?env=${r.environment}`, r.protected ? `${r.environment} is protected: a developer's changes there wait for an admin` : `${r.environment} is no longer protected`);
  });
  web.post('/projects/:project/requests/:id/approve', async (c) => {
    const r = await requests.approveRequest(deps, user(c), c.req.param('project'), c.req.param('id'));
    return redirectWithToast(c, r.deployment ? `/deployments/${r.deployment}` : projectRequests(c), `Request #${r.id} approved${r.deployment ? `: deployment #${r.deployment} queued` : ''}`);
  });
  web.post('/projects/:project/requests/:id/reject', async (c) => {
    const r = await requests.rejectRequest(deps, user(c), c.req.param('project'), c.req.param('id'), await form(c));
    return redirectWithToast(c, projectRequests(c), `Request #${r.id} rejected`);
  });
  web.post('/projects/:project/requests/:id/cancel', async (c) => {
    const r = await requests.cancelRequest(deps, user(c), c.req.param('project'), c.req.param('id'));
    return redirectWithToast(c, projectRequests(c), `Request #${r.id} cancelled`);
  });
  web.get('/projects/:project', async (c) => c.html(await projectPage(c)));
  web.get('/projects/:project/events', async (c) => {
    const project = await getProjectFor(deps.db, user(c), c.req.param('project'), 'project.read');
    const { environment } = await environmentOf(c, project.id);
    return liveFragments(c, deps, user(c).id, async () => ({ services: String(<ProjectCanvas project={project.name} environment={environment} {...await projectCanvas(deps, user(c), project.name, environment)} />) }));
  });
  web.post('/projects/:project/services', (c) =>
    answerForm(c, {
      run: (body) => ops.launchService(deps, user(c), c.req.param('project'), body, `ui:${user(c).email}`),
      done: ({ service: s, deployment, notDeployed }) => (deployment ? { to: `/deployments/${deployment.id}`, toast: `Service ${s.name} created; deploying it to production` } : { to: `/projects/${c.req.param('project')}/services/${s.name}`, toast: `Service ${s.name} created${notDeployed ? `; ${notDeployed}` : ''}` }),
      fragment: (state) => <NewServiceForm project={c.req.param('project')} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => projectPage(c, { 'new-service': state }),
    }),
  );
  web.post('/projects/:project/environments', (c) =>
    answerForm(c, {
      run: (body) => ops.addEnvironment(deps, user(c), c.req.param('project'), body),
      done: (e) => ({ to: `/projects/${c.req.param('project')}?env=${e.name}`, toast: `Environment ${e.name} added` }),
      fragment: (state) => <NewEnvironmentForm project={c.req.param('project')} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => projectPage(c, { 'new-environment': state }),
    }),
  );
  web.post('/projects/:project/databases', (c) =>
    answerForm(c, {
      run: (body) => addDatabase(deps, user(c), c.req.param('project'), body, c.req.query('env')),
      done: (d) => ({ to: `/projects/${c.req.param('project')}?env=${d.environment}`, toast: `Database ${d.name} added; reference it as ${d.reference}` }),
      fragment: (state) => <NewDatabaseForm project={c.req.param('project')} environment={c.req.query('env') ?? 'production'} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => projectPage(c, { 'new-database': state }),
    }),
  );
  databasePages(web, deps, frame);
  composePages(web, deps, frame, projectPage);
  templatePages(web, deps, frame);
  peoplePages(web, deps, frame);
  ssoSettingsPages(web, deps, frame);
  twoFactorPages(web, deps, frame);
  auditPages(web, deps, frame);
  alertPages(web, deps, frame);
  webhookPages(web, deps, frame);
  web.post('/projects/:project/shared-variables', (c) => {
    const [project, environment] = [c.req.param('project'), c.req.query('env') ?? 'production'];
    return answerForm(c, {
      run: (body) => changeSharedVariables(deps, user(c), project, { [String(body.key ?? '')]: body.value ?? '' }, environment),
      done: () => ({ to: `/projects/${project}?env=${environment}`, toast: 'Shared variable saved; services referencing it get it with their next deploy' }),
      fragment: (state) => <SetSharedVariableForm project={project} environment={environment} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => projectPage(c, { 'set-shared-variable': state }),
    });
  });
  web.post('/projects/:project/shared-variables/remove', async (c) => {
    const [project, environment] = [c.req.param('project'), c.req.query('env') ?? 'production'];
    const key = String((await form(c)).key ?? '');
    await changeSharedVariables(deps, user(c), project, { [key]: null }, environment);
    return redirectWithToast(c, `/projects/${project}?env=${environment}`, `Shared variable ${key} removed`);
  });
  web.get('/projects/:project/shared-variables/value', async (c) => {
    const key = validate.variableKey(c.req.query('key'));
    const values = await revealSharedVariables(deps, user(c), c.req.param('project'), c.req.query('env'));
    if (!Object.hasOwn(values, key)) throw new NotFound(`no shared variable ${key}`);
    return c.html(<RevealedValue name={key} value={values[key]} />);
  });
  web.post('/projects/:project/delete', (c) => {
    const name = c.req.param('project');
    return answerForm(c, {
      run: (body) => ops.deleteProject(deps, user(c), name, body),
      done: () => ({ to: '/', toast: `Project ${name} deleted` }),
      fragment: (state) => <DeleteProjectForm project={name} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => projectPage(c, { 'delete-project': state }),
    });
  });
  web.post('/projects/:project/environments/:environment/delete', (c) => {
    const { project, environment } = { project: c.req.param('project'), environment: c.req.param('environment') };
    return answerForm(c, {
      run: (body) => ops.deleteEnvironment(deps, user(c), { project, environment }, body),
      done: () => ({ to: `/projects/${project}`, toast: `Environment ${environment} deleted` }),
      fragment: (state) => <DeleteEnvironmentForm project={project} environment={environment} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => projectPage(c, { [`delete-environment-${environment}`]: state }),
    });
  });

  // Service
  const servicePage = async (c: Context<AuthEnv>, tab: ServiceTab, forms?: Forms) => {
    const ctx = await instanceOf(c, 'project.read');
    return <ServicePage frame={frame(c)} {...await servicePageData(deps, user(c), ctx, tab, c.req.query('range'))} forms={forms} allTasks={c.req.query('all') === '1'} />;
  };
  for (const tab of Object.keys(SERVICE_TABS) as ServiceTab[]) {
    web.get(`/projects/:project/services/:service${tab === 'overview' ? '' : `/${tab}`}`, async (c) => {
      if (tab === 'metrics' && c.req.header('HX-Request')) {
        const ctx = await instanceOf(c, 'project.read');
        return c.html(<ServiceMetrics service={{ project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name }} metrics={await serviceMetrics(deps, ctx, c.req.query('range'))} />);
      }
      return c.html(await servicePage(c, tab));
    });
  }
  web.get('/projects/:project/services/:service/events', async (c) => {
    await instanceOf(c, 'project.read'); // 404 before the stream opens
    const asked = c.req.query('tab') ?? '';
    const tab: ServiceTab = Object.hasOwn(SERVICE_TABS, asked) ? (asked as ServiceTab) : 'overview';
    return liveFragments(c, deps, user(c).id, async () => {
      const data = { ...(await serviceLiveData(deps, await instanceOf(c, 'project.read'))), tab, frame: { csrfToken: c.get('csrfToken') } };
      const fragments: Record<string, string> = { headline: String(<ServiceHeadline {...data} />) };
      if (tab === 'overview') fragments.status = String(<StatusFacts {...data} />);
      if (tab === 'deployments') fragments.deployments = String(<DeploymentsTable {...data} />);
      return fragments;
    });
  });

  /** A form of the service page: answered in place, its tab shown again when refused. */
  const serviceForm = <T,>(c: Context<AuthEnv>, opts: { id: string; tab: ServiceTab; action: ProjectAction; run: (ctx: AllowedInstance, body: Form) => Promise<T>; done: (ctx: InstanceContext, result: T) => { to: string; toast: string }; fragment: (props: ServicePageProps, state: FormState) => unknown }) =>
    answerForm(c, {
      run: async (body) => {
        const ctx = await instanceOf(c, opts.action);
        return { ctx, result: await opts.run(ctx, body) };
      },
      done: ({ ctx, result }) => opts.done(ctx, result),
      fragment: async (state) => String(opts.fragment({ frame: { csrfToken: c.get('csrfToken') }, ...(await servicePageData(deps, user(c), await instanceOf(c, 'project.read'), opts.tab)) }, state)),
      page: (state) => servicePage(c, opts.tab, { [opts.id]: state }),
    });

  web.post('/projects/:project/services/:service/deploy', async (c) => {
    const ctx = await instanceOf(c, 'deploy');
    const deployment = await ops.deployAsked(deps, ctx, { trigger: `ui:${user(c).email}`, requestedBy: user(c).id });
    return redirectWithToast(c, `/deployments/${deployment.id}`, `Deploying ${ctx.service.name} to ${ctx.environment.name}: deployment #${deployment.id} queued`);
  });
  // The console (admins, actions/console.ts): its page, and the WebSocket the page opens.
  web.get('/projects/:project/services/:service/console', async (c) => {
    const ctx = await instanceOf(c, 'console.open');
    await ops.checkConsole(deps, ctx);
    const where = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
    const socket = `/projects/${where.project}/services/${where.service}/console/socket?env=${where.environment}&token=${encodeURIComponent(c.get('csrfToken'))}`;
    return c.html(<ConsolePage frame={frame(c)} {...where} socket={socket} />);
  });
  web.get('/projects/:project/services/:service/console/socket', async (c, next) => {
    const ctx = await instanceOf(c, 'console.open');
    await ops.checkConsole(deps, ctx);
    // A browser opens a WebSocket to any origin with the user's cookies: only Spur's own page,
    // with the session's token, may open this one.
    // An upgrade is routed with a stand-in URL: the Host header says where the browser went.
    const origin = c.req.header('Origin');
    const host = c.req.header('Host');
    const fromHere = !!origin && !!host && (URL.canParse(origin) && new URL(origin).host === host ? true : await sockets.isOwnOrigin(origin, c.req.url));
    if (!fromHere || c.req.query('token') !== c.get('csrfToken')) throw new Forbidden('a console opens only from its page in Spur');
    const release = deps.streamSlots.take(user(c).id);
    let session: ops.ConsoleSession | undefined;
    let gone = false;
    const waiting: string[] = [];
    return sockets.upgradeWebSocket(() => ({
      onOpen: async (_event, ws) => {
        try {
          session = await ops.openConsole(deps, ctx, { send: (text) => ws.send(text), ended: (why) => ws.close(1000, why.slice(0, 120)) });
          // The page may have gone while the container started.
          if (gone) return void session.close('the browser closed it');
          for (const m of waiting.splice(0)) session.receive(m);
        } catch (err) {
          ws.send(`\r\n${(err as Error).message}\r\n`);
          ws.close(1011, 'the console could not start');
          release();
        }
      },
      onMessage: (event) => {
        const text = typeof event.data === 'string' ? event.data : '';
        if (session) session.receive(text);
        else if (waiting.length < 100) waiting.push(text);
      },
      onClose: () => {
        gone = true;
        release();
        void session?.close('the browser closed it');
      },
    }))(c, next);
  });

  // Previews of pull requests, from the Settings tab (actions/previews.ts).
  web.post('/projects/:project/services/:service/previews', (c) =>
    serviceForm(c, {
      id: 'previews',
      tab: 'settings',
      action: 'previews.change',
      run: (ctx, body) => ops.setPreviews(deps, ctx, { ...body, on: body.on === 'off' ? false : undefined, statusToken: body.removeStatusToken === 'on' ? null : body.statusToken || undefined }),
      done: (ctx, p) => ({ to: servicePath(ctx, 'settings'), toast: p.on ? `Previews on: each pull request gets an environment made from ${p.base}` : 'Previews off: no new ones are made; closing a pull request still removes its preview' }),
      fragment: (p, state) => <PreviewsForm {...p} state={state} />,
    }));

  // A one-off command from the Jobs tab (actions/run.ts): its output streams back as for `spur run`.
  web.post('/projects/:project/services/:service/run', async (c) => {
    const ctx = await instanceOf(c, 'run');
    return oneOffStream(c, deps, await ops.prepareRun(deps, ctx, await form(c)), user(c).id);
  });

  // Scheduled jobs (actions/cron-jobs.ts).
  web.post('/projects/:project/services/:service/jobs', (c) =>
    serviceForm(c, { id: 'add-job', tab: 'jobs', action: 'jobs.change', run: (ctx, body) => ops.addCronJob(deps, ctx, body), done: (ctx, job) => ({ to: servicePath(ctx, 'jobs'), toast: `Added job ${job.name}${job.nextRun ? `; its first run is at ${job.nextRun.replace('T', ' ').slice(0, 16)} UTC` : ''}` }), fragment: (p, state) => <AddJobForm {...p} state={state} /> }));
  web.post('/projects/:project/services/:service/jobs/:job/run', async (c) => {
    const ctx = await instanceOf(c, 'run');
    const run = await ops.runCronJobNow(deps, ctx, c.req.param('job'));
    const said = run.status === 'running' ? `run #${run.id} started` : `run #${run.id} ${run.status}: ${run.reason}`;
    return redirectWithToast(c, servicePath(ctx, 'jobs'), `Job ${c.req.param('job')}: ${said}`);
  });
  web.post('/projects/:project/services/:service/jobs/:job/enabled', async (c) => {
    const ctx = await instanceOf(c, 'jobs.change');
    const job = await ops.changeCronJob(deps, ctx, c.req.param('job'), { enabled: (await form(c)).enabled });
    return redirectWithToast(c, servicePath(ctx, 'jobs'), job.enabled ? `Job ${job.name} resumed` : `Job ${job.name} paused: it runs on its schedule again once resumed`);
  });
  web.post('/projects/:project/services/:service/jobs/:job/remove', async (c) => {
    const ctx = await instanceOf(c, 'jobs.change');
    await ops.removeCronJob(deps, ctx, c.req.param('job'));
    return redirectWithToast(c, servicePath(ctx, 'jobs'), `Removed job ${c.req.param('job')}`);
  });
  web.post('/projects/:project/services/:service/rollback', async (c) => {
    const ctx = await instanceOf(c, 'rollback');
    const deployment = await ops.rollback(deps, ctx, await form(c), { trigger: `rollback:${user(c).email}`, requestedBy: user(c).id });
    return redirectWithToast(c, `/deployments/${deployment.id}`, `Rolling ${ctx.service.name} back: deployment #${deployment.id} brings back #${deployment.source_deployment_id}`);
  });
  web.post('/projects/:project/services/:service/cancel', async (c) => {
    const ctx = await instanceOf(c, 'cancel');
    await ops.cancel(deps, ctx);
    return redirectWithToast(c, servicePath(ctx), 'Deployment cancelled');
  });
  web.post('/projects/:project/services/:service/scale', (c) =>
    serviceForm(c, { id: 'scale', tab: 'settings', action: 'service.change', run: (ctx, body) => ops.scale(deps, ctx, body), done: (ctx, r) => ({ to: servicePath(ctx, 'settings'), toast: `Scaled to ${r.replicas} replica${r.replicas === 1 ? '' : 's'}` }), fragment: (p, state) => <ScaleForm {...p} state={state} /> }),
  );
  web.post('/projects/:project/services/:service/source', (c) =>
    serviceForm(c, {
      id: 'source',
      tab: 'settings',
      action: 'service.change',
      run: (ctx, body) => changeServiceSource(deps, user(c), { project: ctx.project.name, service: ctx.service.name }, body),
      done: (ctx, r) => ({ to: servicePath(ctx, 'settings'), toast: ['Source saved.', ...r.notes, SOURCE_CHANGE_NOTE].join(' ') }),
      fragment: (p, state) => <SourceForm {...p} state={state} />,
    }),
  );
  web.post('/projects/:project/services/:service/credentials', (c) =>
    serviceForm(c, { id: 'https-token', tab: 'settings', action: 'service.change', run: (ctx, body) => ops.changeHttpsToken(deps, ctx, body), done: (ctx) => ({ to: servicePath(ctx, 'settings'), toast: 'HTTPS token saved' }), fragment: (p, state) => <HttpsTokenForm {...p} state={state} /> }),
  );
  // Two forms save settings: the git form (branch, auto-deploy) and the service settings.
  const settingsForm = (id: 'git-settings' | 'service-settings', Form: typeof GitSettingsForm) => (c: Context<AuthEnv>) =>
    serviceForm(c, {
      id,
      tab: 'settings',
      action: 'service.change',
      run: (ctx, body) => ops.changeSettings(deps, user(c), ctx, body),
      done: (ctx) => ({ to: servicePath(ctx, 'settings'), toast: 'Settings saved; they apply with the next deploy' }),
      fragment: (p, state) => <Form {...p} state={state} />,
    });
  web.post('/projects/:project/services/:service/settings', settingsForm('service-settings', ServiceSettingsForm));
  web.post('/projects/:project/services/:service/settings/git', settingsForm('git-settings', GitSettingsForm));
  web.post('/projects/:project/services/:service/domains', (c) =>
    serviceForm(c, {
      id: 'add-domain',
      tab: 'settings',
      action: 'domains.change',
      run: (ctx, body) => ops.addDomain(deps, ctx, body),
      done: (ctx, d) => ({ to: servicePath(ctx, 'settings'), toast: `${d.hostname} added; its certificate is being ordered` }),
      fragment: (p, state) => <AddDomainForm {...p} state={state} />,
    }),
  );
  web.post('/projects/:project/services/:service/volumes', (c) =>
    serviceForm(c, {
      id: 'add-volume',
      tab: 'settings',
      action: 'volumes.change',
      run: (ctx, body) => ops.addVolume(deps, ctx, body),
      done: (ctx, v) => ({ to: servicePath(ctx, 'settings'), toast: `Volume ${v.name} added at ${v.mountPath}; the next deploy mounts it` }),
      fragment: (p, state) => <AddVolumeForm {...p} state={state} />,
    }),
  );
  web.post('/projects/:project/services/:service/volumes/backup', async (c) => {
    const ctx = await instanceOf(c, 'volumes.change');
    const name = String((await form(c)).name ?? '');
    const b = await ops.backUpVolumeNow(deps, ctx, name);
    return redirectWithToast(c, servicePath(ctx, 'settings'), b.status === 'ok' ? `Backed up volume ${name}: backup #${b.id}, ${b.size} bytes` : `Backup #${b.id} of ${name} failed: ${b.error}`);
  });
  web.post('/projects/:project/services/:service/volumes/backup-schedule', async (c) => {
    const ctx = await instanceOf(c, 'volumes.change');
    const body = await form(c);
    const view = await ops.changeVolumeBackups(deps, ctx, String(body.name ?? ''), { schedule: body.schedule, keep: body.keep });
    return redirectWithToast(c, servicePath(ctx, 'settings'), `Volume ${view.volume}: ${view.schedule ? `backed up on ${view.schedule} (UTC)` : 'backed up only when asked'}; keeps ${view.keep}`);
  });
  web.post('/projects/:project/services/:service/volumes/restore', async (c) => {
    const ctx = await instanceOf(c, 'volumes.restore');
    const body = await form(c);
    const r = await ops.restoreVolume(deps, ctx, String(body.name ?? ''), { backup: body.backup });
    return redirectWithToast(c, r.deployment ? `/deployments/${r.deployment}` : servicePath(ctx, 'settings'), `Restored backup #${r.restored} into ${r.into}${r.deployment ? `; deployment #${r.deployment} mounts it` : ''}. The files it had stay in Docker volume ${r.previousDockerVolume}`);
  });
  web.post('/projects/:project/services/:service/volumes/remove', async (c) => {
    const ctx = await instanceOf(c, 'volumes.change');
    const name = String((await form(c)).name ?? '');
    const dockerVolume = await ops.removeVolume(deps, ctx, name);
    return redirectWithToast(c, servicePath(ctx, 'settings'), `Volume ${name} removed from ${ctx.service.name}: the next deploy no longer mounts it; its data stays in Docker volume ${dockerVolume}`);
  });
  web.post('/projects/:project/services/:service/domains/options', async (c) => {
    const ctx = await instanceOf(c, 'domains.change');
    const body = await form(c);
    const hostname = String(body.hostname ?? '');
    await ops.changeDomain(deps, ctx, hostname, body);
    return redirectWithToast(c, servicePath(ctx, 'settings'), `${hostname} saved`);
  });
  web.post('/projects/:project/services/:service/domains/remove', async (c) => {
    const ctx = await instanceOf(c, 'domains.change');
    const hostname = String((await form(c)).hostname ?? '');
    await ops.removeDomain(deps, ctx, hostname);
    return redirectWithToast(c, servicePath(ctx, 'settings'), `${hostname} removed from ${ctx.service.name}`);
  });
  web.post('/projects/:project/services/:service/variables', (c) =>
    serviceForm(c, {
      id: 'set-variable',
      tab: 'variables',
      action: 'variables.change',
      run: (ctx, body) => ops.setVariable(deps, ctx, body),
      done: (ctx, key) => ({ to: servicePath(ctx, 'variables'), toast: `${key} saved; it applies with the next deploy` }),
      fragment: (p, state) => { const { base, q, csrf } = paths(p); return <SetVariableForm base={base} q={q} csrf={csrf} state={state} />; },
    }),
  );
  web.post('/projects/:project/services/:service/variables/import', (c) =>
    serviceForm(c, {
      id: 'import-variables',
      tab: 'variables',
      action: 'variables.change',
      run: (ctx, body) => ops.importVariables(deps, ctx, body),
      done: (ctx, names) => ({ to: servicePath(ctx, 'variables'), toast: `Imported ${ops.variableCount(names.length)}; they apply with the next deploy` }),
      fragment: (p, state) => { const { base, q, csrf } = paths(p); return <ImportVariablesForm base={base} q={q} csrf={csrf} state={state} />; },
    }),
  );
  // All variables as one text (the owner's): loaded when asked, previewed as typed, saved as one change.
  web.get('/projects/:project/services/:service/variables/raw', async (c) => {
    const ctx = await instanceOf(c, 'variables.reveal');
    const text = await variablesText(deps, ctx);
    if (c.req.header('HX-Request')) return c.html(<RawVariablesForm base={`/projects/${ctx.project.name}/services/${ctx.service.name}`} q={`?env=${ctx.environment.name}`} csrf={c.get('csrfToken')} text={text} />);
    return c.html(await servicePage(c, 'variables', { 'raw-variables': { values: { env: text }, errors: {} } }));
  });
  web.post('/projects/:project/services/:service/variables/raw/preview', async (c) => {
    try {
      return c.html(<VariablesDiffNote text={describeDiff(await previewVariablesText(deps, await instanceOf(c, 'variables.reveal'), await form(c)))} />);
    } catch (err) {
      if (err instanceof InvalidFields) return c.html(<VariablesDiffNote problem text={Object.values(err.fields).join('; ')} />);
      throw err;
    }
  });
  web.post('/projects/:project/services/:service/variables/raw', (c) =>
    serviceForm(c, {
      id: 'raw-variables',
      tab: 'variables',
      action: 'variables.reveal',
      run: (ctx, body) => replaceVariablesText(deps, ctx, body),
      done: (ctx, diff) => ({ to: servicePath(ctx, 'variables'), toast: `Variables saved: ${countDiff(diff)}; they apply with the next deploy` }),
      fragment: (p, state) => { const { base, q, csrf } = paths(p); return <RawVariablesForm base={base} q={q} csrf={csrf} state={state} />; },
    }),
  );
  web.post('/projects/:project/services/:service/variables/remove', async (c) => {
    const ctx = await instanceOf(c, 'variables.change');
    const key = String((await form(c)).key ?? '');
    await ops.changeVariables(deps, ctx, { [key]: null });
    return redirectWithToast(c, servicePath(ctx, 'variables'), `${key} removed from ${ctx.service.name}; the next deploy runs without it`);
  });
  web.get('/projects/:project/services/:service/variables/value', async (c) => {
    return c.html(<RevealedValue {...await ops.revealVariable(deps, await instanceOf(c, 'variables.reveal'), c.req.query('key'))} />);
  });
  web.post('/projects/:project/services/:service/delete', (c) =>
    serviceForm(c, {
      id: 'delete-service',
      tab: 'settings',
      action: 'service.delete',
      run: (ctx, body) => ops.deleteService(deps, user(c), { project: ctx.project.name, service: ctx.service.name }, body),
      done: (ctx) => ({ to: `/projects/${ctx.project.name}`, toast: `Service ${ctx.service.name} deleted` }),
      fragment: (p, state) => <DeleteServiceForm {...p} state={state} />,
    }),
  );
  web.get('/projects/:project/services/:service/logs.txt', async (c) => {
    const ctx = await instanceOf(c, 'logs.read');
    const lines = await runtimeLogLines(deps, ctx, 5000);
    return textFile(c, `${ctx.project.name}-${ctx.service.name}-${ctx.environment.name}.log`, lines.map(stripAnsi));
  });
  web.get('/projects/:project/services/:service/logs/events', async (c) =>
    runtimeLogStream(c, deps, await instanceOf(c, 'logs.read'), { userId: user(c).id, follow: true, tail: 200, all: c.req.query('all') === '1', render: (line) => ({ event: 'line', data: String(<LogLine line={line} />) }) }),
  );

  // SSH keys
  const keysPage = async (c: Context<AuthEnv>, addKey?: FormState) => <KeysPage frame={frame(c)} keys={(await listSshKeys(deps.db, user(c).id)).map(ops.toKeyView)} addKey={addKey} />;
  web.get('/keys', async (c) => c.html(await keysPage(c)));
  web.post('/keys', (c) =>
    answerForm(c, {
      run: (body) => ops.addKey(deps, user(c), body),
      done: (k) => ({ to: '/keys', toast: `Key ${k.name} added` }),
      fragment: (state) => <AddKeyForm csrf={c.get('csrfToken')} state={state} />,
      page: (state) => keysPage(c, state),
    }),
  );
  web.post('/keys/:id/remove', async (c) => {
    await ops.removeKey(deps, user(c), c.req.param('id'));
    return redirectWithToast(c, '/keys', 'SSH key removed');
  });

  // Spur's own settings (owners)
  const settingsPage = async (c: Context<AuthEnv>, state?: FormState, storageState?: FormState, registryState?: FormState, buildImagesState?: FormState, smtpState?: FormState) => <SettingsPage frame={frame(c)} settings={await spurSettingsView(deps, user(c))} state={state} storageState={storageState} registryState={registryState} buildImagesState={buildImagesState} smtpState={smtpState} />;
  web.get('/settings', async (c) => c.html(await settingsPage(c)));
  web.post('/settings', (c) =>
    answerForm(c, {
      run: (body) => changeSpurSettings(deps, user(c), body),
      done: () => ({ to: '/settings', toast: 'Settings saved' }),
      fragment: async (state) => <GeneralSettingsForm csrf={c.get('csrfToken')} settings={await spurSettingsView(deps, user(c))} state={state} />,
      page: (state) => settingsPage(c, state),
    }),
  );
  web.post('/settings/storage', (c) =>
    answerForm(c, {
      run: (body) => changeSpurSettings(deps, user(c), { backupStorage: body.endpoint === '' || body.endpoint === undefined ? null : body }),
      done: (s) => ({ to: '/settings', toast: s.backupStorage ? `Backups are copied to s3://${s.backupStorage.bucket}` : 'Backups stay on this server only' }),
      fragment: async (state) => <BackupStorageForm csrf={c.get('csrfToken')} settings={await spurSettingsView(deps, user(c))} state={state} />,
      page: (state) => settingsPage(c, undefined, state),
    }),
  );

  // The servers of the Swarm (owners)
  const serversPage = async (c: Context<AuthEnv>, state?: FormState) => <ServersPage frame={frame(c)} {...await servers.serversView(deps, user(c))} state={state} />;
  web.get('/servers', async (c) => c.html(await serversPage(c)));
  web.post('/servers', (c) =>
    answerForm(c, {
      run: (body) => servers.addServer(deps, user(c), body),
      done: (s) => ({ to: `/servers/${s.name}`, toast: `Enrolling ${s.name}` }),
      fragment: (state) => <AddServerForm csrf={c.get('csrfToken')} state={state} />,
      page: (state) => serversPage(c, state),
    }),
  );
  const serverPage = async (c: Context<AuthEnv>, state?: FormState) => <ServerPage frame={frame(c)} server={await servers.serverDetail(deps, user(c), c.req.param('name')!)} state={state} />;
  web.get('/servers/:name', async (c) => c.html(await serverPage(c)));
  web.get('/servers/:name/metrics', async (c) => {
    const [name, metrics] = [c.req.param('name'), await servers.serverMetrics(deps, user(c), c.req.param('name'), c.req.query('range'))];
    return c.html(c.req.header('HX-Request') ? <ServerMetrics name={name} metrics={metrics} summary={c.req.query('summary') === '1'} /> : <ServerMetricsPage frame={frame(c)} name={name} metrics={metrics} />);
  });
  web.get('/servers/:name/log', async (c) => c.html(<ServerLog server={await servers.serverDetail(deps, user(c), c.req.param('name'))} />));
  const actionToasts: Record<servers.ServerAction, (name: string) => string> = {
    drain: (name) => `Drained ${name}: its tasks run on the other servers`,
    activate: (name) => `Activated ${name}`,
    'build-here': (name) => `Builds run on ${name} now`,
    'build-on-manager': () => 'Builds run on the manager again',
  };
  for (const action of ['drain', 'activate', 'build-here', 'build-on-manager'] as const) {
    web.post(`/servers/:name/${action}`, (c) =>
      answerForm(c, {
        run: () => servers.changeServer(deps, user(c), c.req.param('name'), action),
        done: (s) => ({ to: '/servers', toast: actionToasts[action](s.name) }),
        fragment: (state) => <ServerActionForm name={c.req.param('name')} action={action} csrf={c.get('csrfToken')} state={state} />,
        page: (state) => serversPage(c, state),
      }),
    );
  }
  web.post('/servers/:name/remove', (c) =>
    answerForm(c, {
      run: async (body) => {
        const name = c.req.param('name');
        if (body.confirm !== name) throw new InvalidFields({ confirm: `type ${name} to confirm` });
        await servers.removeServer(deps, user(c), name);
        return name;
      },
      done: (name) => ({ to: '/servers', toast: `Removed ${name}: it left the Swarm` }),
      fragment: (state) => serverPage(c, state),
      page: (state) => serverPage(c, state),
    }),
  );

  web.post('/settings/build-images', (c) =>
    answerForm(c, {
      run: (body) => changeSpurSettings(deps, user(c), { buildImages: body }),
      done: () => ({ to: '/settings', toast: 'Base images saved: the next build without a Dockerfile uses them' }),
      fragment: async (state) => <BuildImagesForm csrf={c.get('csrfToken')} settings={await spurSettingsView(deps, user(c))} state={state} />,
      page: (state) => settingsPage(c, undefined, undefined, undefined, state),
    }),
  );
  web.post('/settings/registry', (c) =>
    answerForm(c, {
      run: (body) => changeSpurSettings(deps, user(c), { registry: body.address === '' || body.address === undefined ? null : body }),
      done: (s) => ({ to: '/settings', toast: s.registry ? `Images go through ${s.registry.address}` : 'Spur sends images to the servers itself' }),
      fragment: async (state) => <RegistryForm csrf={c.get('csrfToken')} settings={await spurSettingsView(deps, user(c))} state={state} />,
      page: (state) => settingsPage(c, undefined, undefined, state),
    }),
  );
  web.post('/settings/smtp', (c) =>
    answerForm(c, {
      run: (body) => changeSpurSettings(deps, user(c), { smtp: body.host === '' || body.host === undefined ? null : body }),
      done: (s) => ({ to: '/settings', toast: s.smtp ? `Invitations are mailed through ${s.smtp.host}` : 'Invitation links are shown to copy' }),
      fragment: async (state) => <SmtpForm csrf={c.get('csrfToken')} settings={await spurSettingsView(deps, user(c))} state={state} />,
      page: (state) => settingsPage(c, undefined, undefined, undefined, undefined, state),
    }),
  );

  // Deployments
  const deploymentId = (raw: string) => validate.integer('deployment id', raw, 1, Number.MAX_SAFE_INTEGER);
  web.get('/deployments/:id', async (c) => {
    const { deployment: d, ctx } = await ops.deploymentFor(deps, user(c), deploymentId(c.req.param('id')), 'project.read');
    return c.html(<DeploymentPage frame={frame(c)} project={ctx.project.name} service={ctx.service.name} environment={ctx.environment.name} deployment={await ops.deploymentWithSteps(deps, d)} mayCancel={mayDo(ctx, 'cancel')} promoteTo={await ops.promotionTargets(deps, ctx)} />);
  });
  web.post('/deployments/:id/promote', async (c) => {
    const { deployment: d, ctx: from } = await ops.deploymentFor(deps, user(c), deploymentId(c.req.param('id')), 'project.read');
    const body = await form(c);
    const ctx = await ops.findInstance(deps, user(c), { project: from.project.name, service: from.service.name, environment: validate.resourceName('environment', body.to) }, 'deploy');
    const deployment = await ops.promote(deps, ctx, { from: from.environment.name, deployment: d.id }, { trigger: `promote:${user(c).email}`, requestedBy: user(c).id });
    return redirectWithToast(c, `/deployments/${deployment.id}`, `Promoting #${d.id} from ${from.environment.name} to ${ctx.environment.name}: deployment #${deployment.id} queued`);
  });
  web.post('/deployments/:id/cancel', async (c) => {
    const { deployment: d, ctx } = await ops.deploymentFor(deps, user(c), deploymentId(c.req.param('id')), 'cancel');
    await ops.cancel(deps, ctx);
    return redirectWithToast(c, `/deployments/${d.id}`, `Deployment #${d.id} cancelled`);
  });
  web.get('/deployments/:id/log.txt', async (c) => {
    const { deployment: d } = await ops.deploymentFor(deps, user(c), deploymentId(c.req.param('id')), 'logs.read');
    const lines = (await readDeploymentLog(deps.db, d.id)).map((l) => stripAnsi(l.line));
    return textFile(c, `deployment-${d.id}.log`, lines);
  });
  web.get('/deployments/:id/events', async (c) => {
    const { deployment: d, ctx } = await ops.deploymentFor(deps, user(c), deploymentId(c.req.param('id')), 'logs.read');
    return deploymentEventStream(c, deps, d.id, async (e) => {
      if (e.type === 'line') return [{ event: 'line', id: String(e.id), data: String(<LogLine line={e.line} at={e.at} />) }];
      // A status or anything else of the record changed: every region that can change is sent again.
      const current = await ops.deploymentWithSteps(deps, await getDeployment(deps.db, d.id));
      return Object.entries(deploymentFragments({ deployment: current, project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name, csrf: c.get('csrfToken'), mayCancel: mayDo(ctx, 'cancel'), promoteTo: await ops.promotionTargets(deps, ctx) })).map(([event, data]) => ({ event, data }));
    });
  });
  return web;
}
