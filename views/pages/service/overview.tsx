// The Overview tab: what serves and what was last tried (kept live), deploy and cancel, and how
// code gets here (push command, webhook, deploy key), each with a copy button.
import { StatusBadge, isCancellable } from '../../components/deployment.js';
import { CopyButton } from '../../components/copy-button.js';
import { FailureReason } from '../../components/failure-reason.js';
import { StateMark } from '../../components/state-mark.js';
import { Live } from '../../components/live.js';
import { CsrfField } from '../../layout.js';
import { actionAttrs, actionWords } from '../../../src/actions/words.js';
import { type ServicePageProps, paths } from './common.js';
import { sourceKind } from '../../../src/sources/index.js';

export function OverviewTab(props: ServicePageProps) {
  const s = props.status;
  const { base, q, csrf } = paths(props);
  const deploy = actionWords('deploy', { service: s.service, environment: s.environment });
  const push = props.git && `git remote add spur ${props.git.pushUrl}\ngit push spur ${s.settings.branch ?? s.source.branch ?? 'main'}`;
  return (
    <>
      <section class="panel" aria-label="Status">
        <Live event="status"><StatusFacts {...props} /></Live>
        {props.may.deploy && (
          <form method="post" action={`${base}/deploy${q}`} {...actionAttrs(deploy)}>
            <CsrfField token={csrf} />
            <button type="submit" class="primary" data-shortcut="d" aria-keyshortcuts="d">Deploy</button>
          </form>
        )}
        {props.may['console.open'] && s.activeDeployment && <a class="button" href={`${base}/console${q}`}>Open a console</a>}
      </section>
      {props.git && (
        <>
          <h2>Git</h2>
          <dl class="facts">
            <dt>Push</dt>
            <dd><pre class="command"><code>{push}</code></pre> <CopyButton text={push!} label="push commands" /></dd>
            <dt>Webhook URL</dt>
            <dd><code>{props.git.webhook.url}</code> <CopyButton text={props.git.webhook.url} label="webhook URL" /></dd>
            <dt>Webhook secret</dt>
            <dd><details><summary>show</summary><code>{props.git.webhook.secret}</code></details>{props.git.webhook.secret && <CopyButton text={props.git.webhook.secret} label="webhook secret" />}</dd>
            {props.git.deployKey && (
              <>
                <dt>Deploy key</dt>
                <dd><code class="wrap">{props.git.deployKey}</code> <CopyButton text={props.git.deployKey} label="deploy key" /> <span class="muted">(add it to the repository as a read-only deploy key)</span></dd>
              </>
            )}
          </dl>
        </>
      )}
    </>
  );
}

/** Serving, latest attempt (with Cancel while it may still be stopped), replicas, source and URLs. */
export function StatusFacts(props: Pick<ServicePageProps, 'status' | 'frame' | 'may'>) {
  const s = props.status;
  const { base, q, csrf } = paths(props);
  return (
    <dl class="facts">
      <dt>State</dt>
      <dd><StateMark state={s.state} />{s.state.detail && s.state.detail !== s.deployment?.failureReason && <span class="state-detail"> — {s.state.detail}</span>}</dd>
      <dt>Serving</dt>
      <dd>{s.activeDeployment ? <><StatusBadge status={s.activeDeployment.status} /> <a href={`/deployments/${s.activeDeployment.id}`}>deployment #{s.activeDeployment.id}</a></> : <span class="muted">nothing</span>}</dd>
      {s.deployment && s.deployment.id !== s.activeDeployment?.id && (
        <>
          <dt>Latest attempt</dt>
          <dd>
            <StatusBadge status={s.deployment.status} /> <a href={`/deployments/${s.deployment.id}`}>deployment #{s.deployment.id}</a>{s.deployment.failureReason && <FailureReason reason={s.deployment.failureReason} logsOf={s.deployment.imageTag && s.activeDeployment ? s : undefined} />}
            {isCancellable(s.deployment) && props.may.cancel && (
              <form method="post" action={`${base}/cancel${q}`} class="inline" {...actionAttrs(actionWords('cancel', undefined))}>
                <CsrfField token={csrf} />
                <button type="submit">Cancel</button>
              </form>
            )}
          </dd>
        </>
      )}
      <dt>Replicas</dt>
      <dd>{s.replicasSummary}</dd>
      <dt>Source</dt>
      <dd>{sourceKind(s.source.type).summary(s.source).map((p) => (typeof p === 'string' ? p : <code>{p.code}</code>))}</dd>
      <dt>Public URL</dt>
      <dd>{s.publicUrls.map((u) => <><a href={u} class="url">{u}</a> <CopyButton text={u} label="URL" /></>)}</dd>
      <dt>Internal URL</dt>
      <dd><code>{s.internalUrl}</code> on network <code>{s.network}</code></dd>
      <dt>Swarm service</dt>
      <dd><code>{s.swarmService}</code></dd>
    </dl>
  );
}
