// The dashboard's project cards, each with its services' and databases' states in words (the mark
// repeats them); rendered for the page and again for its live updates, once per distinct input.
import type { ProjectOverview } from '../../src/actions/dashboard.js';
import { StateMark } from './state-mark.js';
import { memoView } from './memo-view.js';

function Projects(props: { projects: ProjectOverview[] }) {
  if (props.projects.length === 0) return <p class="empty">No projects yet. Create one below to deploy your first service.</p>;
  return (
    <ul class="cards">
      {props.projects.map((p) => (
        <li class="card project-card" data-project={p.name}>
          <a href={`/projects/${p.name}`}><strong>{p.name}</strong></a>
          <span class="muted">{plural(p.services.length, 'service')}{p.databases.length > 0 && <>, {plural(p.databases.length, 'database')}</>} · {p.environments.join(', ')}</span>
          {p.services.length + p.databases.length > 0 && (
            <ul class="service-states" aria-label={`Services and databases of ${p.name}`}>
              {[...p.services, ...p.databases].map((s) => (
                <li data-kind={s.state.kind}>
                  <a href={s.href}>{s.name}</a>: <StateMark state={s.state} />
                </li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ul>
  );
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The list, rendered again only when what it shows changed (memo-view.ts). */
export const ProjectList = memoView(Projects);
