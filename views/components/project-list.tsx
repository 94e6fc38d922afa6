// The dashboard's project cards; rendered for the page and again for its live updates. Each card
// counts its services and databases (production) by state, and names those that need a look.
import { KIND_ORDER, type ShownState, type StateKind, worstKind } from '../../src/http/service-state.js';
import { KIND_WORDS } from './state-mark.js';

export interface ProjectSummary {
  name: string;
  environments: string[];
  services: number;
  databases: number;
  /** How many services and databases (production) are in each kind of state. */
  kinds: Partial<Record<StateKind, number>>;
  /** Those that are down or serve with a problem, each with its state. */
  needs: { name: string; href: string; state: ShownState }[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function ProjectList(props: { projects: ProjectSummary[] }) {
  if (props.projects.length === 0) return <p class="empty">No projects yet. Create one below to deploy your first service.</p>;
  return (
    <ul class="cards">
      {props.projects.map((p) => {
        const kinds = KIND_ORDER.filter((k) => p.kinds[k]);
        return (
          <li>
            <a href={`/projects/${p.name}`} class="card">
              <strong data-kind={worstKind(kinds)}>{p.name}</strong>
              <span class="muted">{plural(p.services, 'service')}{p.databases > 0 && <>, {plural(p.databases, 'database')}</>} · {p.environments.join(', ')}</span>
              {kinds.length > 0 && (
                <span class="states">
                  {kinds.map((k) => (
                    <span class="state-mark" data-kind={k}><span class="dot" aria-hidden="true"></span>{p.kinds[k]} {KIND_WORDS[k]}</span>
                  ))}
                </span>
              )}
              {p.needs.length > 0 && (
                <ul class="needs">
                  {p.needs.map((n) => <li><span class="state-mark" data-kind={n.state.kind}><span class="dot" aria-hidden="true"></span>{n.name}: {n.state.words}</span>{n.state.detail && <> — {n.state.detail}</>}</li>)}
                </ul>
              )}
            </a>
          </li>
        );
      })}
    </ul>
  );
}
