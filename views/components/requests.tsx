// The project page's protection switch and its "Requests" list: changes waiting in a protected
// environment, with Approve and Reject (with a reason) for admins, Cancel for their requester and
// admins (as the door lets them: actions/requests.ts cancelRequest).
import type { RequestView } from '../../src/actions/ask.js';
import { CsrfField } from '../layout.js';

const what = (r: RequestView) => {
  const names = (k: string) => (Array.isArray(r.summary[k]) ? (r.summary[k] as string[]).join(', ') : '');
  const promote = r.summary.promote as { from: string; deployment: number } | undefined;
  if (promote) return `Promote #${promote.deployment} from ${promote.from}`;
  if (r.kind === 'deploy') return `Deploy${r.summary.commit ? ` ${String(r.summary.commit).slice(0, 12)}` : ''}`;
  if (r.kind === 'rollback') return `Roll back${r.summary.deployment ? ` to #${String(r.summary.deployment)}` : ''}`;
  const set = names('set');
  const removed = names('removed');
  return `${r.kind === 'variables' ? 'Variables' : 'Shared variables'}:${set ? ` set ${set}` : ''}${removed ? ` remove ${removed}` : ''}`;
};

export function RequestList(props: { project: string; requests: RequestView[]; canDecide: boolean; me: string; csrf?: string }) {
  const base = `/projects/${props.project}/requests`;
  if (props.requests.length === 0) return <p class="empty">No requests. In a protected environment a developer's deploy, rollback or variable change waits here for an admin.</p>;
  return (
    <ul class="list requests">
      {props.requests.map((r) => (
        <li data-request={r.id} data-status={r.status}>
          <span>
            <strong>#{r.id} {what(r)}</strong> {r.service ?? '(shared)'} in {r.environment}, by {r.requester}: <span class="status">{r.status}</span>
            {r.decidedBy && <> by {r.decidedBy}</>}
            {r.reason && <> ({r.reason})</>}
            {r.deployment && <> — <a href={`/deployments/${r.deployment}`}>deployment #{r.deployment}</a></>}
            {r.status === 'pending' && <span class="muted"> expires {r.expiresAt}</span>}
          </span>
          {r.status === 'pending' && props.canDecide && (
            <>
              <form method="post" action={`${base}/${r.id}/approve`}>
                <CsrfField token={props.csrf} />
                <button type="submit" class="primary" aria-label={`Approve request ${r.id}`}>Approve</button>
              </form>
              <form method="post" action={`${base}/${r.id}/reject`} class="row">
                <CsrfField token={props.csrf} />
                <input name="reason" required maxlength={500} placeholder="Why not" aria-label={`Reason to reject request ${r.id}`} />
                <button type="submit" aria-label={`Reject request ${r.id}`}>Reject</button>
              </form>
            </>
          )}
          {r.status === 'pending' && (props.canDecide || r.requester === props.me) && (
            <form method="post" action={`${base}/${r.id}/cancel`}>
              <CsrfField token={props.csrf} />
              <button type="submit" aria-label={`Cancel request ${r.id}`}>Cancel</button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

/** Whether the environment is protected; an admin's button switches it. */
export function Protection(props: { project: string; environment: string; protected: boolean; canProtect: boolean; csrf?: string }) {
  return (
    <div class="row protection">
      <p>{props.protected ? `${props.environment} is protected: a developer's deploy, rollback or variable change here waits for an admin's approval.` : `${props.environment} is not protected.`}</p>
      {props.canProtect && (
        <form method="post" action={`/projects/${props.project}/environments/${props.environment}/protection`}>
          <CsrfField token={props.csrf} />
          <input type="hidden" name="protected" value={props.protected ? 'false' : 'true'} />
          <button type="submit">{props.protected ? `Unprotect ${props.environment}` : `Protect ${props.environment}`}</button>
        </form>
      )}
    </div>
  );
}
