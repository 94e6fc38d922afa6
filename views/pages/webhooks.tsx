// A project's event webhooks, as a page (its admins): each with where it posts and what it wants,
// removed once confirmed; one added (name, URL, secret, events); and a webhook's delivery log,
// each delivery with the receiver's answer and a button that sends its event again.
import type { DeliveryView, EventWebhookView } from '../../src/actions/event-webhooks.js';
import { EVENT_TYPES } from '../../src/store/event-types.js';
import { EMPTY_FORM, Field, type FormState, PostForm } from '../components/form.js';
import { Time } from '../components/time.js';
import { Layout, type LayoutProps } from '../layout.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export const webhooksBase = (project: string) => `/projects/${project}/webhooks`;

export const ADD_WEBHOOK_FORM = 'webhook-add';

function Crumbs(props: { project: string; webhook?: string }) {
  return (
    <p class="crumbs">
      <a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> / {props.webhook ? <><a href={webhooksBase(props.project)}>Webhooks</a> /</> : null}
    </p>
  );
}

/** The add form alone: what a refused add answers to htmx, in its place. */
export function AddWebhookForm(props: { project: string; csrf?: string; state?: FormState }) {
  const state = props.state;
  return (
    <PostForm id={ADD_WEBHOOK_FORM} action={webhooksBase(props.project)} csrf={props.csrf} state={state ?? EMPTY_FORM}>
      <Field form={ADD_WEBHOOK_FORM} name="name" label="Name" state={state} hint="lowercase letters, digits and hyphens" attrs={{ required: true }} />
      <Field form={ADD_WEBHOOK_FORM} name="url" label="URL" state={state} keep={false} hint="https://… (http:// on a private network the owner allowed)" attrs={{ type: 'password', required: true, autocomplete: 'off' }} />
      <Field form={ADD_WEBHOOK_FORM} name="secret" label="Signing secret" state={state} keep={false} hint="16 characters or more; left empty, Spur makes one and shows it once" attrs={{ type: 'password', autocomplete: 'off' }} />
      <Field form={ADD_WEBHOOK_FORM} name="types" label="Events" state={state} value="*" hint={`* for every one, or some of: ${Object.keys(EVENT_TYPES).join(', ')}`} />
      <button type="submit">Add webhook</button>
    </PostForm>
  );
}

export function WebhooksPage(props: { frame: Frame; project: string; webhooks: EventWebhookView[]; csrf?: string; state?: FormState }) {
  const base = webhooksBase(props.project);
  return (
    <Layout title={`Webhooks of ${props.project}`} section="projects" {...props.frame}>
      <Crumbs project={props.project} />
      <h1>Webhooks of {props.project}</h1>
      <p class="muted">
        Each event of {props.project} is POSTed as JSON to every webhook that wants it, signed: <code>X-Spur-Signature: sha256=</code>HMAC-SHA256 of <code>&lt;X-Spur-Timestamp&gt;.&lt;body&gt;</code> with the webhook's secret. One not answered 2xx is tried again after 10 s, 30 s, 2 min, 10 min, 30 min, 1 h, 3 h and 12 h.
      </p>
      {props.webhooks.length ? (
        <ul class="plain webhooks">
          {props.webhooks.map((w) => (
            <li class="row" data-webhook={w.name}>
              <a href={`${base}/${w.id}`}><strong>{w.name}</strong></a> <span class="muted">{w.host}: {w.types.includes('*') ? 'every event' : w.types.join(', ')}</span>
              <PostForm id={`webhook-remove-${w.id}`} action={`${base}/${w.id}/delete`} csrf={props.csrf} class="inline" confirm={`Remove the webhook ${w.name}?`}>
                <button type="submit" class="danger" aria-label={`Remove ${w.name}`}>Remove</button>
              </PostForm>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">No webhook yet: events are only listed by <code>spur events {props.project}</code> and the API.</p>
      )}
      <h2>Add a webhook</h2>
      <AddWebhookForm project={props.project} csrf={props.csrf} state={props.state} />
    </Layout>
  );
}

const STATE_BADGE = { delivered: 'active', pending: 'queued', failed: 'failed' } as const;

export function WebhookDeliveriesPage(props: { frame: Frame; project: string; webhook: EventWebhookView; deliveries: DeliveryView[]; csrf?: string }) {
  const w = props.webhook;
  const base = `${webhooksBase(props.project)}/${w.id}`;
  return (
    <Layout title={`Webhook ${w.name}`} section="projects" {...props.frame}>
      <Crumbs project={props.project} webhook={w.name} />
      <h1>Webhook {w.name}</h1>
      <p class="muted">Posts {w.types.includes('*') ? 'every event' : w.types.join(', ')} to {w.host}. The newest 50 deliveries:</p>
      {props.deliveries.length ? (
        <table class="deliveries">
          <thead>
            <tr><th>Delivery</th><th>Event</th><th>State</th><th>Answer</th><th>Attempts</th><th>Last attempt</th><th></th></tr>
          </thead>
          <tbody>
            {props.deliveries.map((d) => (
              <tr data-delivery={d.id}>
                <td>{d.id}</td>
                <td>{d.type} <span class="muted">#{d.event}</span></td>
                <td><span class={`badge badge-${STATE_BADGE[d.state]}`}>{d.state}</span>{d.nextAttemptAt && <span class="muted"> again <Time at={d.nextAttemptAt} /></span>}</td>
                <td>{d.status ?? '—'}{d.error && <span class="muted"> {d.error}</span>}</td>
                <td>{d.attempts}</td>
                <td>{d.lastAttemptAt ? <Time at={d.lastAttemptAt} /> : '—'}</td>
                <td>
                  <PostForm id={`redeliver-${d.id}`} action={`${base}/deliveries/${d.id}/redeliver`} csrf={props.csrf} class="inline">
                    <button type="submit" aria-label={`Redeliver ${d.id}`}>Redeliver</button>
                  </PostForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="empty">Nothing was sent to it yet.</p>
      )}
    </Layout>
  );
}
