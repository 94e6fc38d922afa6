// One service in one environment, in tabs that each have their own URL: Overview (what serves,
// deploy, git access), Deployments, Variables, Settings, Logs.
import type { InstanceStatus } from '../../src/http/operations.js';
import { DeploymentRow, type DeploymentRowProps, StatusBadge } from '../components/deployment.js';
import { DeleteForm } from '../components/delete-form.js';
import { LogView } from '../components/log-view.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

const HEALTH_LABELS = { auto: "automatic: the image's HEALTHCHECK if it has one, else TCP", tcp: 'TCP: port accepts connections', http: 'HTTP: path answers 2xx/3xx', image: "image's HEALTHCHECK", none: 'none' } as const;
const num = (n: number | null) => (n === null ? '' : String(n));

export interface GitAccessView {
  pushUrl: string;
  webhook: { url: string; secret: string | null };
  deployKey: string | null;
  httpsToken: string | null;
}

export const SERVICE_TABS = { overview: 'Overview', deployments: 'Deployments', variables: 'Variables', settings: 'Settings', logs: 'Logs' } as const;
export type ServiceTab = keyof typeof SERVICE_TABS;

export interface ServicePageProps {
  tab: ServiceTab;
  git?: GitAccessView;
  frame: Omit<LayoutProps, 'title' | 'children'>;
  status: InstanceStatus;
  environments: string[];
  variableNames: string[];
  deployments: (DeploymentRowProps & { imageTag: string | null })[];
  customDomain: string | null;
}

/** The URL of a tab of a service in an environment. */
export const serviceTabUrl = (s: { project: string; service: string; environment: string }, tab: ServiceTab) =>
  `/projects/${s.project}/services/${s.service}${tab === 'overview' ? '' : `/${tab}`}?env=${s.environment}`;

export function ServicePage(props: ServicePageProps) {
  const s = props.status;
  const Tab = { overview: Overview, deployments: Deployments, variables: Variables, settings: Settings, logs: Logs }[props.tab];
  return (
    <Layout title={`${SERVICE_TABS[props.tab]} · ${s.service} · ${s.project}`} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${s.project}?env=${s.environment}`}>{s.project}</a> /</p>
      <h1>{s.service}</h1>
      <nav class="envs" aria-label="Environments">
        {props.environments.map((e) => (
          <a href={serviceTabUrl({ ...s, environment: e }, props.tab)} aria-current={e === s.environment ? 'true' : undefined}>{e}</a>
        ))}
      </nav>
      <nav class="tabs" aria-label="Service">
        {(Object.keys(SERVICE_TABS) as ServiceTab[]).map((t) => (
          <a href={serviceTabUrl(s, t)} aria-current={t === props.tab ? 'page' : undefined}>{SERVICE_TABS[t]}</a>
        ))}
      </nav>
      <Tab {...props} />
    </Layout>
  );
}

function paths(props: ServicePageProps) {
  const s = props.status;
  return { base: `/projects/${s.project}/services/${s.service}`, q: `?env=${s.environment}`, csrf: props.frame.csrfToken };
}

function Overview(props: ServicePageProps) {
  const s = props.status;
  const { base, q, csrf } = paths(props);
  const pending = props.deployments.some((d) => d.status === 'queued' || d.status === 'building');
  return (
    <>
      <section class="panel" aria-label="Status">
        <dl class="facts">
          <dt>Serving</dt>
          <dd>{s.activeDeployment ? <><StatusBadge status={s.activeDeployment.status} /> <a href={`/deployments/${s.activeDeployment.id}`}>deployment #{s.activeDeployment.id}</a></> : <span class="muted">nothing</span>}</dd>
          {s.deployment && s.deployment.id !== s.activeDeployment?.id && (
            <>
              <dt>Latest attempt</dt>
              <dd><StatusBadge status={s.deployment.status} /> <a href={`/deployments/${s.deployment.id}`}>deployment #{s.deployment.id}</a>{s.deployment.failureReason && <> — {s.deployment.failureReason}</>}</dd>
            </>
          )}
          <dt>Replicas</dt>
          <dd>{s.running === null ? <span class="muted">? (Docker cannot be asked)</span> : s.running}/{s.replicas} running</dd>
          <dt>Source</dt>
          <dd>{s.source.type === 'image' ? <code>{s.source.image}</code> : s.source.type === 'push' ? <>git push to Spur, branch <code>{s.source.branch}</code></> : <><code>{s.source.gitUrl}</code> @ <code>{s.source.branch}</code></>}</dd>
          <dt>Public URL</dt>
          <dd>{s.publicUrls.map((u) => <a href={u} class="url">{u}</a>)}</dd>
          <dt>Internal URL</dt>
          <dd><code>{s.internalUrl}</code> on network <code>{s.network}</code></dd>
          <dt>Swarm service</dt>
          <dd><code>{s.swarmService}</code></dd>
        </dl>
        <div class="row">
          <form method="post" action={`${base}/deploy${q}`}>
            <CsrfField token={csrf} />
            <button type="submit" class="primary">Deploy</button>
          </form>
          {pending && (
            <form method="post" action={`${base}/cancel${q}`}>
              <CsrfField token={csrf} />
              <button type="submit">Cancel pending deploy</button>
            </form>
          )}
        </div>
      </section>
      {props.git && (
        <>
          <h2>Git</h2>
          <dl class="facts">
            <dt>Push</dt>
            <dd><code>git remote add spur {props.git.pushUrl}</code> then <code>git push spur {s.settings.branch ?? s.source.branch ?? 'main'}</code></dd>
            <dt>Webhook URL</dt>
            <dd><code>{props.git.webhook.url}</code></dd>
            <dt>Webhook secret</dt>
            <dd><details><summary>show</summary><code>{props.git.webhook.secret}</code></details></dd>
            {props.git.deployKey && (
              <>
                <dt>Deploy key</dt>
                <dd><code>{props.git.deployKey}</code> <span class="muted">(add it to the repository as a read-only deploy key)</span></dd>
              </>
            )}
          </dl>
        </>
      )}
    </>
  );
}

function Deployments(props: ServicePageProps) {
  const { base, q, csrf } = paths(props);
  if (props.deployments.length === 0) return <p class="empty">No deployments yet. Deploy from the Overview tab, with <code>spur deploy</code>, or by pushing.</p>;
  return (
    <table class="deployments">
      <thead>
        <tr><th>#</th><th>Status</th><th>Commit</th><th>Trigger</th><th>Started</th><th>Reason</th><th><span class="muted">Action</span></th></tr>
      </thead>
      <tbody>
        {props.deployments.map((d) => (
          <DeploymentRow d={d}>
            {d.status === 'superseded' && d.imageTag && (
              <form method="post" action={`${base}/rollback${q}`}>
                <CsrfField token={csrf} />
                <input type="hidden" name="deployment" value={String(d.id)} />
                <button type="submit">Roll back to #{d.id}</button>
              </form>
            )}
          </DeploymentRow>
        ))}
      </tbody>
    </table>
  );
}

function Variables(props: ServicePageProps) {
  const { base, q, csrf } = paths(props);
  return (
    <>
      {props.variableNames.length === 0 ? (
        <p class="empty">No variables yet. Spur sets <code>PORT</code> and <code>SPUR_*</code> itself; add your own below.</p>
      ) : (
        <table class="vars">
          <thead>
            <tr><th>Name</th><th>Value</th><th><span class="muted">Action</span></th></tr>
          </thead>
          <tbody>
            {props.variableNames.map((n) => (
              <tr>
                <td><code>{n}</code></td>
                <td class="muted">••••••</td>
                <td>
                  <form method="post" action={`${base}/variables/remove${q}`}>
                    <CsrfField token={csrf} />
                    <input type="hidden" name="key" value={n} />
                    <button type="submit" aria-label={`Remove ${n}`}>Remove</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Set a variable</h2>
      <form method="post" action={`${base}/variables${q}`} class="row">
        <CsrfField token={csrf} />
        <label>Name <input name="key" placeholder="NAME" required pattern="[A-Za-z_][A-Za-z0-9_]*" /></label>
        <label>Value <input name="value" type="password" placeholder="value" /></label>
        <button type="submit">Set variable</button>
      </form>
      <p class="muted">Variables take effect with the next deploy. An empty value removes the variable.</p>
    </>
  );
}

function Settings(props: ServicePageProps) {
  const s = props.status;
  const st = s.settings;
  const h = st.healthCheck;
  const { base, q, csrf } = paths(props);
  return (
    <>
      {props.git && (
        <>
          <h2>Git</h2>
          {s.source.type === 'git' && (
            <form method="post" action={`${base}/credentials${q}`} class="row">
              <CsrfField token={csrf} />
              <label>HTTPS token {props.git.httpsToken ? '(set)' : '(not set)'} <input name="httpsToken" type="password" placeholder="token for https:// clones" /></label>
              <button type="submit">Save token</button>
            </form>
          )}
          <form method="post" action={`${base}/settings${q}`} class="row">
            <CsrfField token={csrf} />
            <label>Branch for {s.environment} <input name="branch" value={st.branch ?? ''} placeholder={s.environment === 'production' ? (s.source.branch ?? 'main') : 'none'} /></label>
            <label>Auto-deploy on push
              <select name="autoDeploy">
                <option value="on" selected={st.autoDeploy}>on</option>
                <option value="off" selected={!st.autoDeploy}>off</option>
              </select>
            </label>
            <button type="submit">Save</button>
          </form>
        </>
      )}

      <h2>Scale</h2>
      <form method="post" action={`${base}/scale${q}`} class="row">
        <CsrfField token={csrf} />
        <label>Replicas <input name="replicas" type="number" min={0} max={50} value={String(s.replicas)} /></label>
        <button type="submit">Scale now</button>
      </form>

      <h2>Service settings</h2>
      <form method="post" action={`${base}/settings${q}`} class="stack wide">
        <CsrfField token={csrf} />
        <div class="row">
          <label>Port <input name="port" type="number" min={1} max={65535} value={String(s.port)} /></label>
          <label>Custom domain <input name="domain" value={props.customDomain ?? ''} placeholder="app.example.com" /></label>
        </div>
        <fieldset>
          <legend>Health check</legend>
          <div class="row">
            <label>Kind
              <select name="healthCheck">
                {(['auto', 'tcp', 'http', 'image', 'none'] as const).map((t) => <option value={t} selected={h.type === t}>{HEALTH_LABELS[t]}</option>)}
              </select>
            </label>
            <label>HTTP path <input name="healthPath" value={h.path ?? ''} placeholder="/health" /></label>
            <label>Port <input name="healthPort" type="number" min={1} max={65535} value={String(h.port)} /></label>
            <label>Interval s <input name="healthInterval" type="number" min={1} max={300} value={String(h.interval)} /></label>
            <label>Timeout s <input name="healthTimeout" type="number" min={1} max={120} value={String(h.timeout)} /></label>
            <label>Retries <input name="healthRetries" type="number" min={1} max={20} value={String(h.retries)} /></label>
            <label>Start period s <input name="healthStartPeriod" type="number" min={0} max={600} value={String(h.startPeriod)} /></label>
          </div>
        </fieldset>
        <fieldset>
          <legend>Resources and restarts</legend>
          <div class="row">
            <label>CPU limit (cores) <input name="cpuLimit" value={num(st.limits.cpu)} placeholder="none" /></label>
            <label>Memory limit (MiB) <input name="memoryLimit" value={num(st.limits.memoryMb)} placeholder="none" /></label>
            <label>CPU reserved <input name="cpuReservation" value={num(st.reservations.cpu)} placeholder="none" /></label>
            <label>Memory reserved (MiB) <input name="memoryReservation" value={num(st.reservations.memoryMb)} placeholder="none" /></label>
            <label>Restart
              <select name="restartPolicy">
                {(['any', 'on-failure', 'none'] as const).map((p) => <option value={p} selected={st.restart.policy === p}>{p}</option>)}
              </select>
            </label>
            <label>Max restarts (0 = no limit) <input name="restartMaxAttempts" type="number" min={0} max={100} value={String(st.restart.maxAttempts)} /></label>
            <label>Stop grace s <input name="stopGracePeriod" type="number" min={0} max={600} value={String(st.stopGracePeriod)} /></label>
          </div>
        </fieldset>
        <p class="muted">Saved settings take effect with the next deploy.</p>
        <button type="submit">Save settings</button>
      </form>

      <h2>Delete service</h2>
      <DeleteForm action={`${base}/delete`} name={s.service} what={`${s.service} in every environment, with its images and repository,`} csrf={csrf} />
    </>
  );
}

function Logs(props: ServicePageProps) {
  const { base, q } = paths(props);
  return (
    <>
      <p class="muted">The tasks of the version that serves, newest lines last; each line with its time and task.</p>
      <LogView id="runtime-log" label="Runtime logs" download={`${base}/logs.txt${q}`} sse={{ connect: `${base}/logs/events${q}` }} />
    </>
  );
}
