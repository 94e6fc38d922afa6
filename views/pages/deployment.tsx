// A deployment's record, its steps and its build log, live while it runs: every part that can
// change is a region the page's SSE stream replaces (see deploymentFragments).
import type { DeploymentRowProps } from '../components/deployment.js';
import type { StepView } from '../../src/deploy/step-view.js';
import { LogLine, StatusBadge, isCancellable } from '../components/deployment.js';
import { CopyButton } from '../components/copy-button.js';
import { DeploymentSteps } from '../components/deployment-steps.js';
import { FailureReason } from '../components/failure-reason.js';
import { LogView } from '../components/log-view.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';
import { actionAttrs, actionWords } from '../../src/actions/words.js';

type BuildPlan = { stack: string; reasons: string[]; dockerfile: string };
type DeploymentProps = DeploymentRowProps & { imageTag: string | null; rollbackOf: number | null; promotedFrom: number | null; buildPlan: BuildPlan | null; steps: StepView[] };

export interface DeploymentPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  project: string;
  service: string;
  environment: string;
  deployment: DeploymentProps;
  /** Whether the user's role may cancel it (a viewer may not). */
  mayCancel: boolean;
  /** The service's other environments its image may be promoted to, while it serves (none for a viewer). */
  promoteTo: string[];
}

export function DeploymentPage(props: DeploymentPageProps) {
  const d = props.deployment;
  const serviceUrl = `/projects/${props.project}/services/${props.service}?env=${props.environment}`;
  return (
    <Layout title={`Deployment #${d.id}`} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> / <a href={serviceUrl}>{props.service}</a> /</p>
      <div hx-ext="sse" sse-connect={`/deployments/${d.id}/events`} sse-close="done">
        <h1>Deployment #{d.id} <span id="status" sse-swap="status" hx-swap="innerHTML"><StatusBadge status={d.status} /></span></h1>
        <dl class="facts" id="deployment-facts" sse-swap="facts" hx-swap="innerHTML"><DeploymentFacts deployment={d} environment={props.environment} /></dl>
        <div id="deployment-actions" sse-swap="actions" hx-swap="innerHTML"><DeploymentActions deployment={d} where={props} csrf={props.frame.csrfToken} mayCancel={props.mayCancel} promoteTo={props.promoteTo} /></div>
        <div id="reason" sse-swap="reason" hx-swap="innerHTML"><Reason deployment={d} where={props} /></div>
        <section aria-labelledby="deployment-steps-title">
          <h2 id="deployment-steps-title">Steps</h2>
          <div id="deployment-steps" sse-swap="steps" hx-swap="innerHTML" aria-live="polite"><DeploymentSteps steps={d.steps} /></div>
        </section>
        <div id="build-plan" sse-swap="plan" hx-swap="innerHTML">{d.buildPlan && <GeneratedDockerfile plan={d.buildPlan} />}</div>
        <h2>Build log</h2>
        <LogView id="build-log" label="Build log" download={`/deployments/${d.id}/log.txt`} />
      </div>
    </Layout>
  );
}

/** The page's regions as its SSE stream sends them, named by event: rendered by the same
 *  components as the page, so a live update and a reload show the same thing. */
export function deploymentFragments(props: { deployment: DeploymentProps; project: string; service: string; environment: string; csrf?: string; mayCancel: boolean; promoteTo: string[] }): Record<string, string> {
  const d = props.deployment;
  return {
    status: String(<StatusBadge status={d.status} />),
    facts: String(<DeploymentFacts deployment={d} environment={props.environment} />),
    actions: String(<DeploymentActions deployment={d} where={props} csrf={props.csrf} mayCancel={props.mayCancel} promoteTo={props.promoteTo} />),
    reason: String(<Reason deployment={d} where={props} />),
    steps: String(<DeploymentSteps steps={d.steps} />),
    plan: String(d.buildPlan ? <GeneratedDockerfile plan={d.buildPlan} /> : ''),
  };
}

function DeploymentFacts(props: { deployment: DeploymentProps; environment: string }) {
  const d = props.deployment;
  return (
    <>
      <dt>Environment</dt><dd>{props.environment}</dd>
      <dt>Commit</dt><dd>{d.commitSha ? <><code>{d.commitSha.slice(0, 12)}</code> {d.commitMessage ?? ''}</> : <span class="muted">{d.status === 'queued' || d.status === 'building' ? 'not fetched yet' : 'none'}</span>}</dd>
      <dt>Image</dt><dd>{d.imageTag ? <code>{d.imageTag}</code> : <span class="muted">{d.status === 'queued' || d.status === 'building' ? 'not built yet' : 'none'}</span>}</dd>
      <dt>Trigger</dt><dd>{d.trigger}{d.rollbackOf && <> (runs <a href={`/deployments/${d.rollbackOf}`}>#{d.rollbackOf}</a> again)</>}{d.promotedFrom && <> (promotes <a href={`/deployments/${d.promotedFrom}`}>#{d.promotedFrom}</a>'s image)</>}</dd>
    </>
  );
}

/** Why it failed; once its image ran (it reached the rollout), with a link to the tasks' output. */
function Reason(props: { deployment: DeploymentProps; where: { project: string; service: string; environment: string } }) {
  const d = props.deployment;
  if (!d.failureReason) return null;
  const { project, service, environment } = props.where;
  return <FailureReason reason={d.failureReason} logsOf={d.imageTag ? { project, service, environment } : undefined} />;
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

/** Cancel, while the deployment is queued or building, for a role that may; once it serves,
 *  Promote to each other environment of the service (the same image, that environment's variables). */
export function DeploymentActions(props: { deployment: Pick<DeploymentProps, 'id' | 'status'>; where: { service: string; environment: string }; csrf?: string; mayCancel: boolean; promoteTo: string[] }) {
  const d = props.deployment;
  if (isCancellable(d) && props.mayCancel) {
    return (
      <form method="post" action={`/deployments/${d.id}/cancel`} {...actionAttrs(actionWords('cancel', undefined))}>
        <CsrfField token={props.csrf} />
        <button type="submit">Cancel deployment</button>
      </form>
    );
  }
  if (d.status !== 'active' || props.promoteTo.length === 0) return null;
  return (
    <div class="actions">
      {props.promoteTo.map((to) => (
        <form method="post" action={`/deployments/${d.id}/promote`} {...actionAttrs(actionWords('promote', { ...props.where, deployment: d.id, to }))}>
          <CsrfField token={props.csrf} />
          <input type="hidden" name="to" value={to} />
          <button type="submit">Promote to {to}</button>
        </form>
      ))}
    </div>
  );
}
