// The Servers page (owners): every node of the Swarm with its state, resources and running tasks;
// adding a server over SSH (Spur's public key to authorize first); drain, activate, build there,
// remove. And one server's page, whose enrollment log refreshes itself while the enrollment runs.
import type { ServerAction, ServerView } from '../../src/actions/servers.js';
import { CopyButton } from '../components/copy-button.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';
import { MetricsCharts, MetricsPlaceholder } from '../components/metrics-chart.js';
import type { MetricsView } from '../../src/actions/metrics.js';
import { actionWords, busyAttrs } from '../../src/actions/words.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

const stateBadge = (s: Pick<ServerView, 'state' | 'status'>) => {
  const label = s.status === 'ready' ? s.state : s.status;
  const tone = label === 'ready' ? 'badge-active' : label === 'enrolling' || label === 'removing' ? 'badge-deploying' : 'badge-failed';
  return <span class={`badge ${tone}`}>{label}</span>;
};

const gib = (bytes: number) => (bytes / 1024 ** 3).toFixed(0);

const serverPath = (name: string, sub = '') => `/servers/${name}${sub}`;

export function AddServerForm(props: { csrf?: string; state?: FormState }) {
  const f = { form: 'add-server', state: props.state };
  return (
    <PostForm id="add-server" action="/servers" csrf={props.csrf} state={props.state} class="stack">
      <Field {...f} name="address" label="Server (user@host)" attrs={{ required: true, placeholder: 'root@203.0.113.7', spellcheck: 'false', autocomplete: 'off' }} />
      <div class="row">
        <Field {...f} name="port" label="SSH port" value="22" attrs={{ type: 'number', min: 1, max: 65535 }} />
        <Field {...f} name="name" label="Name (optional)" attrs={{ placeholder: 'node2', maxlength: 30 }} />
      </div>
      <Field {...f} name="password" label="Password (optional, used once)" keep={false} attrs={{ type: 'password', autocomplete: 'off' }}>
        <span class="muted">Only if Spur's key is not yet in the server's authorized_keys: Spur logs in with it once, adds its key, and never stores it.</span>
      </Field>
      <Field {...f} name="hostKey" label="Host key fingerprint (needed with a password)" attrs={{ placeholder: 'SHA256:…', spellcheck: 'false', autocomplete: 'off' }}>
        <span class="muted">The password goes only to the server with this host key. Read it on the server: <code>ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub</code>.</span>
      </Field>
      <button type="submit" {...busyAttrs(actionWords('addServer', undefined))}>Add server</button>
    </PostForm>
  );
}

const ACTION_BUTTONS: Record<ServerAction, { text: string; label: (name: string) => string }> = {
  drain: { text: 'Drain', label: (name) => `Drain ${name}` },
  activate: { text: 'Activate', label: (name) => `Activate ${name}` },
  'build-here': { text: 'Build here', label: (name) => `Run the builds on ${name}` },
  'build-on-manager': { text: 'Build on manager', label: (name) => `Stop building on ${name}` },
};

/** Drain (tasks move elsewhere, new ones start before the old stop), activate, or move the builds. */
export function ServerActionForm(props: { name: string; action: ServerAction; csrf?: string; state?: FormState }) {
  const button = ACTION_BUTTONS[props.action];
  const words = actionWords(props.action === 'drain' ? 'drainServer' : 'changeServer', { name: props.name });
  return (
    <PostForm id={`${props.action}-${props.name}`} action={serverPath(props.name, `/${props.action}`)} csrf={props.csrf} state={props.state} confirm={words.question}>
      <button type="submit" aria-label={button.label(props.name)} {...busyAttrs(words)}>{button.text}</button>
    </PostForm>
  );
}

function ServerActions(props: { server: ServerView; csrf?: string }) {
  const s = props.server;
  if (!s.enrolled) return <span class="muted">{s.role === 'manager' ? <>this server · <a href={serverPath(s.name)} aria-label={`Details of ${s.name}`}>Details</a></> : 'not enrolled by Spur'}</span>;
  return (
    <div class="actions">
      {s.status === 'ready' && s.availability === 'active' && <ServerActionForm name={s.name} action="drain" csrf={props.csrf} />}
      {s.status === 'ready' && s.availability === 'drain' && <ServerActionForm name={s.name} action="activate" csrf={props.csrf} />}
      {s.status === 'ready' && <ServerActionForm name={s.name} action={s.buildServer ? 'build-on-manager' : 'build-here'} csrf={props.csrf} />}
      <a href={serverPath(s.name)} aria-label={`Details of ${s.name}`}>Details</a>
    </div>
  );
}

export function ServersTable(props: { servers: ServerView[]; csrf?: string }) {
  return (
    <table class="servers">
      <thead>
        <tr><th>Server</th><th>Role</th><th>State</th><th>Availability</th><th>Docker</th><th>CPUs</th><th>Memory</th><th>Disk free</th><th>Tasks</th><th><span class="muted">Actions</span></th></tr>
      </thead>
      <tbody>
        {props.servers.map((s) => (
          <tr>
            <td>{s.nodeId || s.enrolled ? <a href={serverPath(s.name)}>{s.name}</a> : s.name}<div class="muted">{s.address ?? ''}</div>{s.error && <div class="field-error">{s.error}</div>}</td>
            <td data-label="Role">{s.role}{s.buildServer && <div><span class="badge">builds</span></div>}</td>
            <td data-label="State">{stateBadge(s)}</td>
            <td data-label="Availability">{s.availability ?? '—'}</td>
            <td data-label="Docker">{s.dockerVersion ?? '—'}</td>
            <td data-label="CPUs">{s.cpus ?? '—'}</td>
            <td data-label="Memory">{s.memoryMb === null ? '—' : `${(s.memoryMb / 1024).toFixed(1)} GiB`}</td>
            <td data-label="Disk free">{s.disk ? `${gib(s.disk.freeBytes)} of ${gib(s.disk.totalBytes)} GiB` : '—'}</td>
            <td data-label="Tasks">{s.runningTasks}</td>
            <td data-label="Actions"><ServerActions server={s} csrf={props.csrf} /></td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ServersPage(props: { frame: Frame; servers: ServerView[]; publicKey: string; swarm: boolean; state?: FormState }) {
  return (
    <Layout title="Servers" section="servers" {...props.frame}>
      <h1>Servers</h1>
      {!props.swarm && <p class="empty">Docker is not answering: the Swarm's view of the servers is unavailable.</p>}
      <ServersTable servers={props.servers} csrf={props.frame.csrfToken} />
      <h2>Add a server</h2>
      <p>A Debian or Ubuntu server this one reaches over SSH. Put Spur's key in its <code>~/.ssh/authorized_keys</code> (or give a password once below); Spur pins its host key, installs Docker if it is missing, joins it to the Swarm as a worker and sends it each image before a deploy places tasks there. It must reach this server on TCP 2377, and both on TCP/UDP 7946 and UDP 4789.</p>
      <p><code class="wrap">{props.publicKey}</code> <CopyButton text={props.publicKey} label="Spur's public key" /></p>
      <AddServerForm csrf={props.frame.csrfToken} state={props.state} />
    </Layout>
  );
}

/** The enrollment log; it asks for itself again every second while something runs. */
export function ServerLog(props: { server: ServerView & { log: string | null } }) {
  const s = props.server;
  const busy = s.status === 'enrolling' || s.status === 'removing';
  return (
    <section id="server-log" aria-live="polite" {...(busy ? { 'hx-get': serverPath(s.name, '/log'), 'hx-trigger': 'every 1s', 'hx-swap': 'outerHTML' } : {})}>
      <p>{stateBadge(s)} {s.error && <span class="field-error">{s.error}</span>}</p>
      <pre class="log" tabindex={0} aria-label={`${s.name}'s enrollment log`}>{s.log || (s.enrolled ? 'Starting…' : 'Not enrolled by Spur: no enrollment log.')}</pre>
    </section>
  );
}

export function ServerPage(props: { frame: Frame; server: ServerView & { log: string | null }; state?: FormState }) {
  const s = props.server;
  const id = 'remove-server';
  return (
    <Layout title={s.name} section="servers" {...props.frame}>
      <p class="crumbs"><a href="/servers">Servers</a> /</p>
      <h1>{s.name}</h1>
      <dl class="facts">
        <dt>Address</dt>
        <dd>{s.address ?? '—'}</dd>
        {s.enrolled && (
          <>
            <dt>Host key</dt>
            <dd><code class="wrap">{s.hostKeyFingerprint ?? 'not yet seen'}</code> <span class="muted">pinned: a server offering another key is refused</span></dd>
          </>
        )}
        <dt>Swarm</dt>
        <dd>{s.role}, {s.state}, {s.availability ?? '—'}{s.dockerVersion ? `, Docker ${s.dockerVersion}` : ''}, {s.runningTasks} running tasks</dd>
        <dt>Builds</dt>
        <dd>{s.buildServer ? (s.enrolled ? 'run here (while it is ready and active; drained, they run on the manager)' : 'run here') : 'run elsewhere'}</dd>
      </dl>
      <h2>Metrics</h2>
      <MetricsPlaceholder url={`${serverPath(s.name, '/metrics')}?range=hour`} />
      {s.log !== null && (
        <>
          <h2>Enrollment</h2>
          <ServerLog server={{ ...s, log: s.log }} />
          <h2>Remove</h2>
          <PostForm id={id} action={serverPath(s.name, '/remove')} csrf={props.frame.csrfToken} state={props.state} class="danger stack">
            <p>Its tasks move to the other servers first (new ones start before the old stop); then it leaves the Swarm and Spur forgets its host key.</p>
            <Field form={id} name="confirm" state={props.state} keep={false} label={<>Type <code>{s.name}</code> to confirm</>} attrs={{ required: true, autocomplete: 'off' }} />
            <button type="submit" class="danger" {...busyAttrs(actionWords('removeServer', { name: s.name }))}>Remove {s.name}</button>
          </PostForm>
        </>
      )}
    </Layout>
  );
}

/** The dashboard's charts of a server: its CPU, memory and disk. */
export const SERVER_SUMMARY = ['CPU', 'Memory', 'Disk'];

/** A server's charts (or, as a summary, SERVER_SUMMARY's): what its page fetches once loaded, and a range link swaps in. */
export function ServerMetrics(props: { name: string; metrics: MetricsView; summary?: boolean }) {
  const url = (r: string) => `${serverPath(props.name, '/metrics')}?range=${r}${props.summary ? '&summary=1' : ''}`;
  return <MetricsCharts view={props.metrics} subject={`server ${props.name}`} url={url} only={props.summary ? SERVER_SUMMARY : undefined} empty="No samples in this range yet: a server is sampled while Spur runs (every few seconds here, every minute over SSH for the others)." />;
}

/** The charts on a page of their own, for a browser without JavaScript. */
export function ServerMetricsPage(props: { frame: Frame; name: string; metrics: MetricsView }) {
  return (
    <Layout title={`Metrics · ${props.name}`} section="servers" {...props.frame}>
      <p class="crumbs"><a href="/servers">Servers</a> / <a href={serverPath(props.name)}>{props.name}</a> /</p>
      <h1>Metrics of {props.name}</h1>
      <ServerMetrics name={props.name} metrics={props.metrics} />
    </Layout>
  );
}
