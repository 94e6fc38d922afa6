// The catalogue's pages: the searchable list (its list alone for htmx), an app's page, and the
// form that deploys it into a project (answered in place when refused).
import type { Context, Hono } from 'hono';
import type { FormState } from '../../views/components/form.js';
import { DeployTemplateForm, TemplateList, TemplatePage, TemplatesPage } from '../../views/pages/templates.js';
import type { LayoutProps } from '../../views/layout.js';
import type { Deps } from '../deps.js';
import * as templates from '../actions/templates.js';
import type { AuthEnv } from './auth.js';
import { answerForm } from './forms.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export function templatePages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const page = async (c: Context<AuthEnv>, forms?: Record<string, FormState>) => {
    const template = templates.showTemplate(c.req.param('id')!);
    return <TemplatePage frame={frame(c)} template={template} projects={await templates.projectsToDeployInto(deps, c.get('user'), template)} forms={forms} />;
  };
  web.get('/templates', (c) => {
    const query = (c.req.query('q') ?? '').slice(0, 100);
    const list = templates.listTemplates(query);
    return c.html(c.req.header('HX-Request') ? <TemplateList templates={list} query={query} /> : <TemplatesPage frame={frame(c)} templates={list} query={query} />);
  });
  web.get('/templates/:id', async (c) => c.html(await page(c)));
  web.post('/templates/:id/deploy', (c) => {
    const id = c.req.param('id');
    return answerForm(c, {
      run: (body) => templates.deployTemplate(deps, c.get('user'), String(body.project ?? ''), id, { name: body.name, settings: templates.settingsFromForm(body) }),
      done: (r) => ({ to: `/projects/${r.project}/compose/${r.app.name}?env=${r.environment}`, toast: `${r.app.name} made from the template ${r.template}${r.deployment ? `; group deployment #${r.deployment.id} started` : ''}; it will answer at ${r.url}` }),
      fragment: async (state) => <DeployTemplateForm template={templates.showTemplate(id)} projects={await templates.projectsToDeployInto(deps, c.get('user'), templates.showTemplate(id))} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => page(c, { 'deploy-template': state }),
    });
  });
}
