// A deployment's record and its build log, live while it runs.
import type { DeploymentRowProps } from '../components/deployment.js';
import type { DeploymentStatus } from '../../src/db/schema.js';
import { LogLine, StatusBadge, isCancellable } from '../components/deployment.js';
import { CopyButton } from '../components/copy-button.js';
import { FailureReason } from '../components/failure-reason.js';
import { LogView } from '../components/log-view.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

export interface DeploymentPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  project: string;
  service: string;
  environment: string;
  deployment: DeploymentRowProps & { imageTag: string | null; buildPlan: { stack: string; reasons: string[]; dockerfile: string } | null };
}

export function DeploymentPage(props: DeploymentPageProps) {
  const d = props.deployment;
  const serviceUrl = `/projects/${props.project}/services/${props.service}?env=${props.environment}`;
  return (
    <Layout title={`Deployment #${d.id}`} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> / <a href={serviceUrl}>{props.service}</a> /</p>
      <div hx-ext="sse" sse-connect={`/deployments/${d.id}/events`} sse-close="done">
        <h1>Deployment #{d.id} <span id="status" sse-swap="status" hx-swap="innerHTML"><StatusBadge status={d.status} /></span></h1>
        <dl class="facts">
          <dt>Environment</dt><dd>{props.environment}</dd>
          <dt>Commit</dt><dd>{d.commitSha ? <code>{d.commitSha.slice(0, 12)}</code> : '—'} {d.commitMessage ?? ''}</dd>
          <dt>Image</dt><dd><code>{d.imageTag ?? '—'}</code></dd>
          <dt>Trigger</dt><dd>{d.trigger}</dd>
        </dl>
        <div id="deployment-actions" sse-swap="actions" hx-swap="innerHTML"><DeploymentActions id={d.id} status={d.status} csrf={props.frame.csrfToken} /></div>
        <div id="reason" sse-swap="reason" hx-swap="innerHTML">{d.failureReason && <FailureReason reason={d.failureReason} logsOf={d.imageTag ? props : undefined} />}</div>
        {d.buildPlan && <GeneratedDockerfile plan={d.buildPlan} />}
        <h2>Build log</h2>
        <LogView id="build-log" label="Build log" download={`/deployments/${d.id}/log.txt`} />
      </div>
    </Layout>
  );
}

export { LogLine };

/** The Dockerfile Spur wrote for a repository without one: why, and how to take it over. */
function GeneratedDockerfile(props: { plan: { stack: string; reasons: string[]; dockerfile: string } }) {
  return (
    <section aria-labelledby="generated-dockerfile">
      <h2 id="generated-dockerfile">Dockerfile written by Spur</h2>
      <p>The repository has no Dockerfile: Spur recognised a {props.plan.stack} app ({props.plan.reasons.join(', ')}). To take over, save this as <code>Dockerfile</code> in the repository and edit it. <CopyButton text={props.plan.dockerfile} label="the Dockerfile" /></p>
      <pre class="log" tabindex={0} aria-label="Dockerfile written by Spur">{props.plan.dockerfile}</pre>
    </section>
  );
}

/** Cancel, while the deployment is queued or building. */
export function DeploymentActions(props: { id: number; status: DeploymentStatus; csrf?: string }) {
  if (!isCancellable(props)) return null;
  return (
    <form method="post" action={`/deployments/${props.id}/cancel`}>
      <CsrfField token={props.csrf} />
      <button type="submit">Cancel deployment</button>
    </form>
  );
}
