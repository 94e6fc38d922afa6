// One service in one environment: status, deploy, settings, variables, deployments, runtime logs.
import type { InstanceStatus } from '../../src/http/operations.js';
import { DeploymentRow, type DeploymentRowProps, StatusBadge } from '../components/deployment.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

export interface ServicePageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  status: InstanceStatus;
  environments: string[];
  variableNames: string[];
  deployments: DeploymentRowProps[];
  customDomain: string | null;
}

export function ServicePage(props: ServicePageProps) {
  const s = props.status;
  const base = `/projects/${s.project}/services/${s.service}`;
  const q = `?env=${s.environment}`;
  const csrf = props.frame.csrfToken;
  return (
    <Layout title={`${s.service} · ${s.project}`} {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${s.project}`}>{s.project}</a> /</p>
      <h1>{s.service}</h1>
      <nav class="tabs">
        {props.environments.map((e) => (
          <a href={`${base}?env=${e}`} class={e === s.environment ? 'current' : ''}>{e}</a>
        ))}
      </nav>
      <section class="panel">
        <dl class="facts">
          <dt>Status</dt>
          <dd>{s.deployment ? <><StatusBadge status={s.deployment.status} /> <a href={`/deployments/${s.deployment.id}`}>deployment #{s.deployment.id}</a></> : <span class="muted">never deployed</span>}</dd>
          <dt>Source</dt>
          <dd>{s.source.type === 'git' ? <><code>{s.source.gitUrl}</code> @ <code>{s.source.branch}</code></> : <code>{s.source.image}</code>}</dd>
          <dt>Public URL</dt>
          <dd>{s.publicUrls.map((u) => <a href={u} class="url">{u}</a>)}</dd>
          <dt>Internal URL</dt>
          <dd><code>{s.internalUrl}</code> on network <code>{s.network}</code></dd>
          <dt>Swarm service</dt>
          <dd><code>{s.swarmService}</code></dd>
        </dl>
        <form method="post" action={`${base}/deploy${q}`}>
          <CsrfField token={csrf} />
          <button type="submit" class="primary">Deploy</button>
        </form>
      </section>

      <h2>Settings</h2>
      <form method="post" action={`${base}/settings${q}`} class="row">
        <CsrfField token={csrf} />
        <label>Replicas <input name="replicas" type="number" min={0} max={50} value={String(s.replicas)} /></label>
        <label>Port <input name="port" type="number" min={1} max={65535} value={String(s.port)} /></label>
        <label>Custom domain <input name="domain" value={props.customDomain ?? ''} placeholder="app.example.com" /></label>
        <button type="submit">Save</button>
      </form>

      <h2>Variables</h2>
      <table class="vars">
        <tbody>
          {props.variableNames.map((n) => (
            <tr><td><code>{n}</code></td><td class="muted">••••••</td></tr>
          ))}
        </tbody>
      </table>
      <form method="post" action={`${base}/variables${q}`} class="row">
        <CsrfField token={csrf} />
        <input name="key" placeholder="NAME" required pattern="[A-Za-z_][A-Za-z0-9_]*" aria-label="Variable name" />
        <input name="value" type="password" placeholder="value" aria-label="Variable value" />
        <button type="submit">Set variable</button>
      </form>
      <p class="muted">Variables take effect with the next deploy. An empty value removes the variable.</p>

      <h2>Deployments</h2>
      <table class="deployments">
        <tbody>{props.deployments.map((d) => <DeploymentRow d={d} />)}</tbody>
      </table>

      <h2>Runtime logs</h2>
      <pre class="log" hx-ext="sse" sse-connect={`${base}/logs/events${q}`} sse-swap="line" hx-swap="beforeend" sse-close="done"></pre>
    </Layout>
  );
}
