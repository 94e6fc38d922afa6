// A Compose app's pages: the app (its services, group deployments and forms), its deployments
// table alone (asked again while one runs), and the forms: add an app (from the project page),
// replace its file, deploy, roll back, delete.
import type { Context, Hono } from 'hono';
import type { FormState } from '../../views/components/form.js';
import { ComposeDeployments, ComposeFileForm, ComposePage, DeleteComposeAppForm } from '../../views/pages/compose.js';
import type { LayoutProps } from '../../views/layout.js';
import type { Deps } from '../deps.js';
import * as compose from '../actions/compose.js';
import { asksIn, mayDo, openProject } from '../actions/access.js';
import { getEnvironment } from '../store/projects.js';
import { mayAll } from '../actions/page-data.js';
import { listEnvironments } from '../store/projects.js';
import type { AuthEnv } from './auth.js';
import { answerForm, redirectWithToast } from './forms.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export function composePages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame, projectPage: (c: Context<AuthEnv>, forms: Record<string, FormState>) => Promise<unknown>) {
  const at = (c: Context<AuthEnv>) => ({ user: c.get('user'), project: c.req.param('project')!, name: c.req.param('name')!, env: c.req.query('env') || 'production' });
  const page = async (c: Context<AuthEnv>, forms?: Record<string, FormState>) => {
    const { user, project, name, env } = at(c);
    const access = await openProject(deps.db, user, project, 'project.read');
    const shown = await compose.showComposeApp(deps, user, project, name, { environment: env });
    const may = mayAll(access);
    const environment = await getEnvironment(deps.db, access.project, shown.environment);
    const atOnce = (a: 'deploy' | 'rollback') => mayDo(access, a) && !asksIn(access, a, environment);
    return (
      <ComposePage
        frame={frame(c)}
        project={project}
        environment={shown.environment}
        environments={(await listEnvironments(deps.db, access.project.id)).map((e) => e.name)}
        app={shown.app}
        deployments={shown.deployments}
        file={may['variables.reveal'] ? await compose.composeAppFile(deps, user, project, name) : null}
        may={may}
        atOnce={{ deploy: atOnce('deploy'), rollback: atOnce('rollback') }}
        forms={forms}
      />
    );
  };
  const appUrl = (c: Context<AuthEnv>, name = at(c).name) => `/projects/${at(c).project}/compose/${name}?env=${at(c).env}`;

  web.get('/projects/:project/compose/:name', async (c) => c.html(await page(c)));
  web.get('/projects/:project/compose/:name/deployments', async (c) => {
    const { user, project, name, env } = at(c);
    const access = await openProject(deps.db, user, project, 'project.read');
    const shown = await compose.showComposeApp(deps, user, project, name, { environment: env });
    const environment = await getEnvironment(deps.db, access.project, shown.environment);
    return c.html(<ComposeDeployments project={project} app={name} environment={shown.environment} deployments={shown.deployments} mayRollback={mayDo(access, 'rollback') && !asksIn(access, 'rollback', environment)} csrf={c.get('csrfToken')} />);
  });
  web.post('/projects/:project/compose', (c) => {
    const { user, project, env } = at(c);
    return answerForm(c, {
      run: (body) => compose.saveComposeApp(deps, user, project, String(body.name ?? ''), { ...body, environment: env, create: true }),
      done: (r) => ({ to: appUrl(c, r.app.name), toast: `Compose app ${r.app.name} saved${r.deployment ? `; group deployment #${r.deployment.id} started` : ''}${r.notes.length ? ` (${r.notes.length} note${r.notes.length === 1 ? '' : 's'}: ${r.notes.join('; ')})` : ''}` }),
      fragment: (state) => <ComposeFileForm project={project} environment={env} csrf={c.get('csrfToken')} state={state} mayDeploy />,
      page: (state) => projectPage(c, { 'new-compose-app': state }) as Promise<string>,
    });
  });
  web.post('/projects/:project/compose/:name/file', (c) => {
    const { user, project, name, env } = at(c);
    return answerForm(c, {
      run: (body) => compose.saveComposeApp(deps, user, project, name, { ...body, environment: env }),
      done: (r) => ({ to: appUrl(c), toast: `The file of ${name} saved${r.deployment ? `; group deployment #${r.deployment.id} started` : ''}${r.notes.length ? ` (${r.notes.join('; ')})` : ''}` }),
      fragment: (state) => <ComposeFileForm project={project} app={name} environment={env} csrf={c.get('csrfToken')} state={state} mayDeploy />,
      page: (state) => page(c, { 'compose-file': state }),
    });
  });
  web.post('/projects/:project/compose/:name/deploy', async (c) => {
    const { user, project, name, env } = at(c);
    const body = (await c.req.parseBody()) as Record<string, unknown>;
    const d = await compose.deployComposeApp(deps, user, project, name, { all: body.all, environment: env });
    return redirectWithToast(c, appUrl(c), `Group deployment #${d.id} of ${name} started`);
  });
  web.post('/projects/:project/compose/:name/rollback', async (c) => {
    const { user, project, name, env } = at(c);
    const body = (await c.req.parseBody()) as Record<string, unknown>;
    const d = await compose.rollbackComposeApp(deps, user, project, name, { to: body.to, environment: env });
    return redirectWithToast(c, appUrl(c), `Rolling ${name} back to group deployment #${d.rollbackOf}`);
  });
  web.post('/projects/:project/compose/:name/delete', (c) => {
    const { user, project, name } = at(c);
    return answerForm(c, {
      run: (body) => compose.deleteComposeApp(deps, user, project, name, body),
      done: (r) => ({ to: `/projects/${project}`, toast: `Deleted ${r.deleted} and its services ${r.services.join(', ')}` }),
      fragment: async (state) => <DeleteComposeAppForm project={project} app={(await compose.showComposeApp(deps, user, project, name, {})).app} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => page(c, { 'delete-compose-app': state }),
    });
  });
}
