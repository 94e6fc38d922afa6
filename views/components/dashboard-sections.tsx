// The dashboard's other live regions: what needs attention, and recent deploys and rollbacks
// with who asked for them.
import type { ActivityItem } from '../../src/actions/dashboard.js';
import type { DashboardWarning } from '../../src/actions/page-data.js';
import { StatusBadge } from './deployment.js';
import { Time } from './time.js';

export function AttentionList(props: { items: DashboardWarning[] }) {
  if (props.items.length === 0) return <p class="all-clear">Nothing needs attention: every service that was deployed serves, and no certificate, backup or server has a problem.</p>;
  return (
    <ul class="domains attention">
      {props.items.map((w) => (
        <li>
          <a href={w.href}>{w.subject}</a>
          <span>{w.problem}</span>
        </li>
      ))}
    </ul>
  );
}

export function ActivityFeed(props: { items: ActivityItem[] }) {
  if (props.items.length === 0) return <p class="empty">No deploys yet.</p>;
  return (
    <ol class="activity">
      {props.items.map((a) => (
        <li data-deployment={a.id}>
          <span>
            {a.who} {a.rollbackOf ? <>rolled back <strong>{a.service}</strong> to #{a.rollbackOf}</> : <>deployed <strong>{a.service}</strong></>} <span class="muted">({a.project}, {a.environment})</span>
          </span>
          <span>
            <a href={`/deployments/${a.id}`}>#{a.id}</a> <StatusBadge status={a.status} /> <span class="muted">{<Time at={a.at} />}</span>
          </span>
        </li>
      ))}
    </ol>
  );
}
