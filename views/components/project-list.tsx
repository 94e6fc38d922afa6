// The dashboard's project cards, each with its services' states in words; rendered for the page
// and again for its live updates.
import type { ProjectOverview } from '../../src/http/dashboard-data.js';

export function ProjectList(props: { projects: ProjectOverview[] }) {
  if (props.projects.length === 0) return <p class="empty">No projects yet. Create one below to deploy your first service.</p>;
  return (
    <ul class="cards">
      {props.projects.map((p) => (
        <li class="card project-card" data-project={p.name}>
          <a href={`/projects/${p.name}`}><strong>{p.name}</strong></a>
          <span class="muted">{p.services.length} service{p.services.length === 1 ? '' : 's'} · {p.environments.join(', ')}</span>
          {p.services.length > 0 && (
            <ul class="service-states" aria-label={`Services of ${p.name}`}>
              {p.services.map((s) => (
                <li data-kind={s.state.kind}>
                  <span class="canvas-dot" aria-hidden="true"></span>
                  <a href={s.href}>{s.name}</a>: {s.state.words}
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}
