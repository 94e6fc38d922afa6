// The dashboard's project cards; rendered for the page and again for its live updates.
export interface ProjectSummary {
  name: string;
  environments: string[];
  services: number;
  /** How many services (in production) are in each state of their latest deployment; `none`: never deployed. */
  states: Record<string, number>;
}

const ORDER = ['failed', 'building', 'deploying', 'queued', 'active', 'cancelled', 'superseded', 'none'];

export function ProjectList(props: { projects: ProjectSummary[] }) {
  if (props.projects.length === 0) return <p class="empty">No projects yet. Create one below to deploy your first service.</p>;
  return (
    <ul class="cards">
      {props.projects.map((p) => (
        <li>
          <a href={`/projects/${p.name}`} class="card">
            <strong>{p.name}</strong>
            <span class="muted">{p.services} service{p.services === 1 ? '' : 's'} · {p.environments.join(', ')}</span>
            {p.services > 0 && (
              <span class="states">
                {ORDER.filter((s) => p.states[s]).map((s) => (
                  <span class="state"><span class={`dot dot-${s}`} aria-hidden="true"></span>{p.states[s]} {s === 'none' ? 'never deployed' : s}</span>
                ))}
              </span>
            )}
          </a>
        </li>
      ))}
    </ul>
  );
}
