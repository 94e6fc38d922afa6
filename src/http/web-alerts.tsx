// The alerts pages: the installation's (owners, a Settings tab) and a project's (its members; its
// admins change its channels and rules). Each form calls the same action as /api/v1/alerts…; done,
// back to the page with a toast; refused, the page again with the error beside its field.
import type { Context, Hono } from 'hono';
import { type AlertsManagement, AlertsPage, alertsBase } from '../../views/pages/alerts.js';
import type { LayoutProps } from '../../views/layout.js';
import type { FormState } from '../../views/components/form.js';
import { addAlertChannel, alertChannels, removeAlertChannel, testAlertChannel } from '../actions/alert-channels.js';
import { addAlertRule, alertRules, alertsOf, removeAlertRule, switchBuiltInRule } from '../actions/alerts.js';
import { mayDo, openProject } from '../actions/access.js';
import type { Deps } from '../deps.js';
import { UpstreamFailed } from '../errors.js';
import type { AuthEnv } from './auth.js';
import { answerForm, redirectWithToast } from './forms.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export function alertPages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const projectOf = (c: Context<AuthEnv>) => c.req.param('project') as string | undefined;

  async function page(c: Context<AuthEnv>, forms: Record<string, FormState> = {}) {
    const user = c.get('user');
    const project = projectOf(c);
    const { open, history } = await alertsOf(deps, user, project);
    const manages = project === undefined || mayDo((await openProject(deps.db, user, project, 'project.read')).acting, 'alerts.manage');
    const manage: AlertsManagement | undefined = manages ? { channels: await alertChannels(deps, user, project), rules: await alertRules(deps, user, project), csrf: c.get('csrfToken'), forms } : undefined;
    return <AlertsPage frame={frame(c)} project={project} open={open} history={history} manage={manage} />;
  }

  /** A form of the page; its id names where a refusal is shown. */
  const form = <T,>(c: Context<AuthEnv>, id: (body: Record<string, unknown>) => string, run: (body: Record<string, unknown>) => Promise<T>, toast: (r: T) => string) => {
    let formId = '';
    return answerForm(c, {
      run: (body) => {
        formId = id(body);
        return run(body);
      },
      done: (r) => ({ to: alertsBase(projectOf(c)), toast: toast(r) }),
      fragment: async (state) => String(await page(c, { [formId]: state })),
      page: async (state) => String(await page(c, { [formId]: state })),
    });
  };

  for (const base of ['/alerts', '/projects/:project/alerts']) {
    web.get(base, async (c) => c.html(await page(c)));
    web.post(`${base}/channels`, (c) => form(c, (b) => `channel-add-${String(b.kind ?? '')}`, (b) => addAlertChannel(deps, c.get('user'), b, projectOf(c)), (ch) => `Channel ${ch.name} added; send it a test`));
    web.post(`${base}/channels/:id/delete`, async (c) => {
      await removeAlertChannel(deps, c.get('user'), c.req.param('id'), projectOf(c));
      return redirectWithToast(c, alertsBase(projectOf(c)), 'Channel removed');
    });
    web.post(`${base}/channels/:id/test`, async (c) => {
      try {
        const sent = await testAlertChannel(deps, c.get('user'), c.req.param('id'), projectOf(c));
        return redirectWithToast(c, alertsBase(projectOf(c)), `A test message went to ${sent.destination}`);
      } catch (err) {
        if (!(err instanceof UpstreamFailed)) throw err;
        return c.html(String(await page(c, { [`channel-test-${c.req.param('id')}`]: { values: {}, errors: { '': err.message } } })), 502);
      }
    });
    web.post(`${base}/rules`, (c) => form(c, () => 'rule-add', (b) => addAlertRule(deps, c.get('user'), b, projectOf(c)), (r) => `Rule ${r.name} added`));
    web.post(`${base}/rules/:id/delete`, async (c) => {
      await removeAlertRule(deps, c.get('user'), c.req.param('id'), projectOf(c));
      return redirectWithToast(c, alertsBase(projectOf(c)), 'Rule removed');
    });
    web.post(`${base}/rules/built-in/:rule`, async (c) => {
      const body = (await c.req.parseBody()) as Record<string, unknown>;
      const on = body.on === 'true' ? true : body.on === 'false' ? false : body.on;
      await switchBuiltInRule(deps, c.get('user'), c.req.param('rule'), { on }, projectOf(c));
      return redirectWithToast(c, alertsBase(projectOf(c)), `Rule ${on ? 'turned on' : 'turned off'}`);
    });
  }
}
