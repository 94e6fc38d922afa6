// A project's services in one environment as cards; rendered for the page and again for its live updates.
import type { DeploymentStatus } from '../../src/db/schema.js';
import { StatusBadge } from './deployment.js';
import { Time } from './time.js';

export interface ServiceCard {
  name: string;
  source: string;
  /** Status of the deployment that serves, if any, else of the latest attempt. */
  status: DeploymentStatus | null;
  /** The latest attempt when it is not what serves (building, failed …). */
  latest: { id: number; status: DeploymentStatus } | null;
  serving: number | null;
  /** What the serving deployment runs: its commit, and its image. */
  commit: string | null;
  image: string | null;
  url: string | null;
  running: number | null;
  replicas: number;
  lastDeployAt: string | null;
}


// Kept small: a project page carries a hundred of these.
export function ServiceCards(props: { project: string; environment: string; services: ServiceCard[] }) {
  const env = props.environment === 'production' ? '' : `?env=${props.environment}`;
  if (props.services.length === 0) return <p class="empty">No services yet. Create one below from a git repository, git push, or a Docker image.</p>;
  return (
    <ul class="cards">
      {props.services.map((s) => (
        <li class="card" data-service={s.name}>
          <a href={`/projects/${props.project}/services/${s.name}${env}`}><strong data-state={s.status ?? 'none'}>{s.name}</strong></a>
          <span>
            {s.serving ? `#${s.serving} serving` : s.status ?? 'never deployed'}
            {s.lastDeployAt && <> · <Time at={s.lastDeployAt} /></>}
          </span>
          {s.latest && <span><a href={`/deployments/${s.latest.id}`}>#{s.latest.id}</a> <StatusBadge status={s.latest.status} /></span>}
          {s.url && <a href={s.url} class="url">{s.url.replace(/^https?:\/\//, '')}</a>}
          <span>{s.running ?? '?'}/{s.replicas} running · {s.source}</span>
        </li>
      ))}
    </ul>
  );
}
