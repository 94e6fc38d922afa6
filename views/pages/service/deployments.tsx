// The Deployments tab: every attempt, kept live, with a rollback to each image that served.
import { DeploymentRow, type DeploymentView } from '../../components/deployment.js';
import { Time } from '../../components/time.js';
import type { ScaleEventView } from '../../../src/actions/deployments.js';
import { Live } from '../../components/live.js';
import { CsrfField } from '../../layout.js';
import { actionAttrs, actionWords } from '../../../src/actions/words.js';
import { type ServicePageProps, paths } from './common.js';

export function DeploymentsTab(props: ServicePageProps) {
  return <Live event="deployments"><DeploymentsTable {...props} /></Live>;
}

export function DeploymentsTable(props: Pick<ServicePageProps, 'status' | 'deployments' | 'scaling' | 'frame' | 'may'>) {
  const { base, q, csrf } = paths(props);
  // The autoscaler's changes stand among the deployments, each before the first one older than it.
  const scaling = [...(props.scaling ?? [])];
  const scaledSince = (at: string) => scaling.splice(0, scaling.findIndex((e) => e.at < at) === -1 ? scaling.length : scaling.findIndex((e) => e.at < at));
  if (props.deployments.length === 0 && scaling.length === 0) return <p class="empty">No deployments yet. Deploy from the Overview tab, with <code>spur deploy</code>, or by pushing.</p>;
  return (
    <table class="deployments">
      <thead>
        <tr><th>#</th><th>Status</th><th>Commit</th><th>Trigger</th><th>Started</th><th>Reason</th><th><span class="muted">Action</span></th></tr>
      </thead>
      <tbody>
        {props.deployments.map((d: DeploymentView) => (
          <>
          {scaledSince(d.createdAt).map((e) => <ScaleRow e={e} />)}
          <DeploymentRow d={d}>
            {d.status === 'superseded' && d.imageTag && props.may.rollback && (
              <form method="post" action={`${base}/rollback${q}`} {...actionAttrs(actionWords('rollback', { service: props.status.service, environment: props.status.environment, deployment: d.id }))}>
                <CsrfField token={csrf} />
                <input type="hidden" name="deployment" value={String(d.id)} />
                <button type="submit">Roll back to #{d.id}</button>
              </form>
            )}
          </DeploymentRow>
          </>
        ))}
        {scaling.map((e) => <ScaleRow e={e} />)}
      </tbody>
    </table>
  );
}

function ScaleRow(props: { e: ScaleEventView }) {
  const { e } = props;
  return (
    <tr class="scale-event">
      <td></td>
      <td data-label="Status"><span class="badge">scaled</span></td>
      <td data-label="Replicas">{e.from} → {e.to} replicas</td>
      <td class="muted" data-label="Trigger">{e.by}</td>
      <td class="muted" data-label="At"><Time at={e.at} /></td>
      <td class="muted" data-label="Reason">{e.reason}</td>
      <td></td>
    </tr>
  );
}
