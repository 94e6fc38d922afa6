// The project canvas: every service and database of an environment as a card, placed by
// canvas-layout.ts, with an SVG line from each service to what its reference variables name, and
// the same lines as a list of sentences (for screen readers, and the layout at phone width).
// Rendered for the page and again for its live updates.
import { CARD, layoutCanvas } from './canvas-layout.js';
import { StatusBadge } from './deployment.js';
import type { ShownState } from '../../src/actions/service-state.js';
import { StateMark } from './state-mark.js';
import { memoView } from './memo-view.js';
import type { ServiceCard } from '../../src/actions/service-cards.js';
import type { CanvasDatabase, ProjectCanvasData } from '../../src/actions/canvas.js';

export interface ProjectCanvasProps extends ProjectCanvasData {
  project: string;
  environment: string;
}

const State = (props: { state: ShownState }) => (
  <span class="canvas-state" title={props.state.detail}>
    <StateMark state={props.state} />
  </span>
);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function ServiceBody(props: { s: ServiceCard; href: string }) {
  const s = props.s;
  const serves = s.serving ? `#${s.serving}${s.commit ? ` · ${s.commit.slice(0, 7)}` : s.image ? ` · ${s.image}` : ''}` : 'nothing yet';
  return (
    <>
      <a href={props.href} class="canvas-name"><strong>{s.name}</strong></a>
      <span class="muted">service · {s.source}</span>
      <State state={s.state} />
      {s.latest && <span>latest <a href={`/deployments/${s.latest.id}`} aria-label={`deployment ${s.latest.id}`}>#{s.latest.id}</a> <StatusBadge status={s.latest.status} /></span>}
      <span>serves: {serves}</span>
      <span>{s.running === null ? `${plural(s.replicas, 'replica')} wanted (Docker cannot be asked)` : `${s.running} of ${plural(s.replicas, 'replica')} running`}</span>
      {s.url && <a href={s.url} class="url">{s.url.replace(/^https?:\/\//, '')}</a>}
    </>
  );
}

function DatabaseBody(props: { d: CanvasDatabase; href: string }) {
  const d = props.d;
  return (
    <>
      <a href={props.href} class="canvas-name"><strong>{d.name}</strong></a>
      <span class="muted">database · {d.engine}</span>
      <State state={d.state} />
      <span>serves: {d.image}</span>
      <span>{d.running === null ? '1 replica wanted (Docker cannot be asked)' : `${d.running} of 1 replica running`}</span>
    </>
  );
}

function Canvas(props: ProjectCanvasProps) {
  if (props.services.length === 0 && props.databases.length === 0) return <p class="empty">No services or databases in {props.environment} yet. Create one below from a git repository, git push, a Docker image, or a database engine.</p>;
  const env = props.environment === 'production' ? '' : `?env=${props.environment}`;
  const services = new Map(props.services.map((s) => [s.name, s]));
  const databases = new Map(props.databases.map((d) => [d.name, d]));
  const layout = layoutCanvas([...props.services.map((s) => ({ id: s.name, kind: 'service' as const })), ...props.databases.map((d) => ({ id: d.name, kind: 'database' as const }))], props.edges);
  const size = `width: ${layout.width}px; height: ${layout.height}px`;
  return (
    <div class="canvas">
      <div class="canvas-scroll">
        <div class="canvas-board" style={size}>
          <svg class="canvas-lines" width={layout.width} height={layout.height} viewBox={`0 0 ${layout.width} ${layout.height}`} aria-hidden="true" focusable="false">
            <defs>
              <marker id="canvas-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M 0 0 L 10 5 L 0 10 z" />
              </marker>
            </defs>
            {layout.lines.map((l) => <path class="canvas-line" d={l.d} data-from={l.from} data-to={l.to} marker-end="url(#canvas-arrow)" />)}
          </svg>
          <ul class="canvas-cards" aria-label={`Services and databases in ${props.environment}`}>
            {layout.boxes.map((b) => {
              const style = `left: ${b.x}px; top: ${b.y}px; width: ${CARD.width}px; height: ${CARD.height}px`;
              const s = services.get(b.id);
              if (s) return <li class="card canvas-card" data-service={s.name} style={style}><ServiceBody s={s} href={`/projects/${props.project}/services/${s.name}${env}`} /></li>;
              const d = databases.get(b.id)!;
              return <li class="card canvas-card" data-database={d.name} style={style}><DatabaseBody d={d} href={`/projects/${props.project}/databases/${d.name}?env=${props.environment}`} /></li>;
            })}
          </ul>
        </div>
      </div>
      {layout.lines.length > 0 && (
        <>
          <h3 class="canvas-links-title">Connections</h3>
          <ul class="canvas-links">
            {layout.lines.map((l) => <li data-line={`${l.from} ${l.to}`}>{l.from} uses {l.to} ({l.variables.join(', ')})</li>)}
          </ul>
        </>
      )}
    </div>
  );
}

/** The canvas, rendered again only when what it shows changed (memo-view.ts). */
export const ProjectCanvas = memoView(Canvas);
