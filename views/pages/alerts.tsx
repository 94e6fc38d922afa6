// Alerts, as a page: what is open now (firing, or pending its wait), the history of those that
// fired and were resolved, each with where it was sent and whether it arrived; and for those who
// may change them, the channels (added from each kind's own fields, tried, removed) and the rules
// (built-in ones turned on or off, threshold rules added and removed). The installation's (owners,
// in Settings) or one project's (its members; its admins change it).
import type { AlertChannelView } from '../../src/actions/alert-channels.js';
import type { AlertRulesView, AlertView } from '../../src/actions/alerts.js';
import { CHANNEL_KINDS } from '../../src/alerts/channels/index.js';
import { EMPTY_FORM, Field, FieldError, type FormState, PostForm } from '../components/form.js';
import { SettingsTabs } from '../components/settings-tabs.js';
import { Time } from '../components/time.js';
import { Layout, type LayoutProps } from '../layout.js';

export interface AlertsManagement {
  channels: AlertChannelView[];
  rules: AlertRulesView;
  csrf?: string;
  /** A refused form's state, by form id. */
  forms: Record<string, FormState>;
}

export interface AlertsPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  /** A project's; none: the installation's. */
  project?: string;
  open: AlertView[];
  history: AlertView[];
  manage?: AlertsManagement;
}

/** Where the page and its forms are: /alerts, or /projects/<p>/alerts. */
export const alertsBase = (project?: string) => (project ? `/projects/${project}/alerts` : '/alerts');

function AlertItem(props: { a: AlertView }) {
  const { a } = props;
  const href = a.link ? new URL(a.link).pathname + new URL(a.link).search : undefined;
  return (
    <li class={`alert-item alert-${a.state}`} data-state={a.state}>
      <span class={`badge badge-${a.state === 'firing' ? 'failed' : a.state === 'resolved' ? 'active' : 'queued'}`}>{a.state}</span> {href ? <a href={href}>{a.title}</a> : a.title}
      <p class="muted">{a.text}</p>
      <p class="muted">
        Since <Time at={a.since} />
        {a.firedAt && <> · fired <Time at={a.firedAt} /></>}
        {a.resolvedAt && <> · resolved <Time at={a.resolvedAt} /></>}
        {a.notifications.length > 0 && <> · sent: {a.notifications.map((n, i) => <>{i ? ', ' : ''}{n.channel} ({n.state}{n.error ? `, not delivered: ${n.error}` : ''})</>)}</>}
      </p>
    </li>
  );
}

function Channels(props: { base: string; m: AlertsManagement; says: string }) {
  const { base, m } = props;
  return (
    <section aria-labelledby="channels-title">
      <h2 id="channels-title">Channels</h2>
      <p class="muted">{props.says}</p>
      {m.channels.length ? (
        <ul class="plain">
          {m.channels.map((ch) => (
            <li class="row" data-channel={ch.name}>
              <strong>{ch.name}</strong> <span class="muted">{ch.label}: {ch.destination}</span>
              <PostForm id={`channel-test-${ch.id}`} action={`${base}/channels/${ch.id}/test`} csrf={m.csrf} state={m.forms[`channel-test-${ch.id}`]} class="inline">
                <button type="submit">Send a test</button>
              </PostForm>
              <PostForm id={`channel-remove-${ch.id}`} action={`${base}/channels/${ch.id}/delete`} csrf={m.csrf} class="inline" confirm={`Remove the channel ${ch.name}?`}>
                <button type="submit" class="danger">Remove</button>
              </PostForm>
            </li>
          ))}
        </ul>
      ) : (
        <p class="empty">No channel yet: alerts are only shown here.</p>
      )}
      {CHANNEL_KINDS.map((kind) => {
        const id = `channel-add-${kind.kind}`;
        const state = m.forms[id];
        return (
          <details open={state ? true : undefined}>
            <summary>Add {kind.label}</summary>
            <PostForm id={id} action={`${base}/channels`} csrf={m.csrf} state={state ?? EMPTY_FORM}>
              <input type="hidden" name="kind" value={kind.kind} />
              <Field form={id} name="name" label="Name" state={state} hint="lowercase letters, digits and hyphens" attrs={{ required: true }} />
              {kind.fields.map((f) => <Field form={id} name={f.name} label={f.label} state={state} hint={f.hint} keep={f.type !== 'password'} attrs={{ type: f.type, required: true, autocomplete: 'off' }} />)}
              <button type="submit">Add</button>
            </PostForm>
          </details>
        );
      })}
    </section>
  );
}

function Rules(props: { base: string; m: AlertsManagement; project?: string }) {
  const { base, m } = props;
  const id = 'rule-add';
  const state = m.forms[id];
  const targets = props.project ? ['services', 'databases'] : ['services', 'databases', 'servers'];
  return (
    <section aria-labelledby="rules-title">
      <h2 id="rules-title">Rules</h2>
      <ul class="plain">
        {m.rules.builtIn.map((r) => (
          <li class="row" data-rule={r.rule}>
            <span>{r.on ? 'On' : 'Off'}: {r.label}{r.offEverywhere && props.project ? ' (an owner turned it off everywhere)' : ''}</span>
            {!(r.offEverywhere && props.project) && (
              <PostForm id={`rule-switch-${r.rule}`} action={`${base}/rules/built-in/${r.rule}`} csrf={m.csrf} class="inline">
                <input type="hidden" name="on" value={r.on ? 'false' : 'true'} />
                <button type="submit">{r.on ? 'Turn off' : 'Turn on'}</button>
              </PostForm>
            )}
          </li>
        ))}
        {m.rules.rules.map((r) => (
          <li class="row" data-rule={r.name}>
            <span><strong>{r.name}</strong>: {r.metric} {r.op} {r.value} of {r.subject ?? `each of the ${r.target}`}{r.forS ? ` for ${Math.round(r.forS / 60)} min` : ''}</span>
            <PostForm id={`rule-remove-${r.id}`} action={`${base}/rules/${r.id}/delete`} csrf={m.csrf} class="inline" confirm={`Remove the rule ${r.name}?`}>
              <button type="submit" class="danger">Remove</button>
            </PostForm>
          </li>
        ))}
      </ul>
      <details open={state ? true : undefined}>
        <summary>Add a rule on a metric</summary>
        <PostForm id={id} action={`${base}/rules`} csrf={m.csrf} state={state ?? EMPTY_FORM}>
          <Field form={id} name="name" label="Name" state={state} hint="lowercase letters, digits and hyphens" attrs={{ required: true }} />
          <label class="field">
            <span>Of</span>
            <select name="target">{targets.map((t) => <option value={t} selected={state?.values.target === t ? true : undefined}>{t}</option>)}</select>
          </label>
          <FieldError name="target" state={state} />
          <Field form={id} name="subject" label="Only the one named" state={state} hint="empty: each of them" />
          <label class="field">
            <span>Metric</span>
            <select name="metric">{m.rules.metrics.map((x) => <option value={x.metric} selected={state?.values.metric === x.metric ? true : undefined}>{x.label}{x.unit ? ` (${x.unit})` : ''}</option>)}</select>
          </label>
          <FieldError name="metric" state={state} />
          <label class="field">
            <span>Is</span>
            <select name="op"><option value=">">above</option><option value="<" selected={state?.values.op === '<' ? true : undefined}>below</option></select>
          </label>
          <FieldError name="op" state={state} />
          <Field form={id} name="value" label="Value" state={state} attrs={{ inputmode: 'decimal', required: true }} />
          <Field form={id} name="for" label="For (seconds)" state={state} value="0" hint="how long it must hold before it fires" attrs={{ inputmode: 'numeric' }} />
          <button type="submit">Add the rule</button>
        </PostForm>
      </details>
    </section>
  );
}

export function AlertsPage(props: AlertsPageProps) {
  const title = props.project ? `Alerts of ${props.project}` : 'Alerts';
  const base = alertsBase(props.project);
  return (
    <Layout title={title} section={props.project ? 'projects' : 'settings'} {...props.frame}>
      {props.project ? <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> /</p> : null}
      <h1>{title}</h1>
      {!props.project && <SettingsTabs current="alerts" />}
      <h2>Open</h2>
      {props.open.length ? <ul class="alerts plain">{props.open.map((a) => <AlertItem a={a} />)}</ul> : <p class="empty">Nothing is wrong now.</p>}
      <h2>History</h2>
      {props.history.length ? <ul class="alerts plain">{props.history.map((a) => <AlertItem a={a} />)}</ul> : <p class="empty">No alert has fired yet.</p>}
      {props.manage && <Channels base={base} m={props.manage} says={props.project ? `Alerts of ${props.project} go here, and to the installation's channels.` : "Every alert goes here: the installation's (servers, updates) and every project's."} />}
      {props.manage && <Rules base={base} m={props.manage} project={props.project} />}
    </Layout>
  );
}
