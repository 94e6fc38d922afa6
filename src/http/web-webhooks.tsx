// The webhooks pages of a project (its admins): the list with the add form, and a webhook's
// deliveries. Each form calls the same action as /api/v1/projects/:project/webhooks…; done, back
// to the page with a toast; refused, the page again with the error beside its field.
import type { Context, Hono } from 'hono';
import { AddWebhookForm, WebhookDeliveriesPage, WebhooksPage, webhooksBase } from '../../views/pages/webhooks.js';
import type { LayoutProps } from '../../views/layout.js';
import type { FormState } from '../../views/components/form.js';
import { addEventWebhook, eventWebhooks, redeliverEvent, removeEventWebhook, webhookDeliveries } from '../actions/event-webhooks.js';
import type { Deps } from '../deps.js';
import type { AuthEnv } from './auth.js';
import { answerForm, redirectWithToast } from './forms.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export function webhookPages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const page = async (c: Context<AuthEnv>, state?: FormState) => {
    const project = c.req.param('project')!;
    return String(<WebhooksPage frame={frame(c)} project={project} webhooks={await eventWebhooks(deps, c.get('user'), project)} csrf={c.get('csrfToken')} state={state} />);
  };
  web.get('/projects/:project/webhooks', async (c) => c.html(await page(c)));
  web.post('/projects/:project/webhooks', (c) =>
    answerForm(c, {
      run: (body) => addEventWebhook(deps, c.get('user'), c.req.param('project'), body),
      done: (w) => ({ to: webhooksBase(c.req.param('project')), toast: `Webhook ${w.name} added${w.secret ? `; its signing secret (shown once): ${w.secret}` : ''}` }),
      fragment: (state) => String(<AddWebhookForm project={c.req.param('project')} csrf={c.get('csrfToken')} state={state} />),
      page: (state) => page(c, state),
    }),
  );
  web.post('/projects/:project/webhooks/:id/delete', async (c) => {
    await removeEventWebhook(deps, c.get('user'), c.req.param('project'), c.req.param('id'));
    return redirectWithToast(c, webhooksBase(c.req.param('project')), 'Webhook removed');
  });
  web.get('/projects/:project/webhooks/:id', async (c) => {
    const project = c.req.param('project');
    const { webhook, deliveries } = await webhookDeliveries(deps, c.get('user'), project, c.req.param('id'));
    return c.html(String(<WebhookDeliveriesPage frame={frame(c)} project={project} webhook={webhook} deliveries={deliveries} csrf={c.get('csrfToken')} />));
  });
  web.post('/projects/:project/webhooks/:id/deliveries/:delivery/redeliver', async (c) => {
    const project = c.req.param('project');
    const { delivery } = await redeliverEvent(deps, c.get('user'), project, c.req.param('id'), c.req.param('delivery'));
    return redirectWithToast(c, `${webhooksBase(project)}/${c.req.param('id')}`, `Delivery ${delivery} sends the event again now`);
  });
}
