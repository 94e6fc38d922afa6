// A project's services in one environment as cards; rendered for the page and again for its live updates.
import type { DeploymentStatus } from '../../src/db/schema.js';
import type { ShownState } from '../../src/http/service-state.js';
import { StatusBadge } from './deployment.js';
import { StateMark } from './state-mark.js';

export interface ServiceCard {
  name: string;
  source: string;
  /** Status of the deployment that serves, if any, else of the latest attempt. */
  status: DeploymentStatus | null;
  /** The latest attempt when it is not what serves (building, failed …). */
  latest: { id: number; status: DeploymentStatus } | null;
  serving: number | null;
  /** What every view says of it (src/http/service-state.ts). */
  state: ShownState;
  url: string | null;
  running: number | null;
  replicas: number;
  lastDeployAt: string | null;
}

export const shortTime = (iso: string) => <time datetime={`${iso.slice(0, 19)}Z`}>{iso.replace('T', ' ').slice(0, 16)}</time>;

// Kept small: a project page carries a hundred of these.
export function ServiceCards(props: { project: string; environment: string; services: ServiceCard[] }) {
  const env = props.environment === 'production' ? '' : `?env=${props.environment}`;
  if (props.services.length === 0) return <p class="empty">No services yet. Create one below from a git repository, git push, or a Docker image.</p>;
  return (
    <ul class="cards">
      {props.services.map((s) => (
        <li class="card" data-service={s.name}>
          <a href={`/projects/${props.project}/services/${s.name}${env}`}><strong data-kind={s.state.kind}>{s.name}</strong></a>
          <span>
            <StateMark state={s.state} />
            {s.lastDeployAt && <> · {shortTime(s.lastDeployAt)}</>}
          </span>
          {s.state.detail && <span class="state-detail">{s.state.detail}</span>}
          {s.latest && <span><a href={`/deployments/${s.latest.id}`}>#{s.latest.id}</a> <StatusBadge status={s.latest.status} /></span>}
          {s.url && <a href={s.url} class="url">{s.url.replace(/^https?:\/\//, '')}</a>}
          <span>{s.running ?? '?'}/{s.replicas} running · {s.source}</span>
        </li>
      ))}
    </ul>
  );
}
