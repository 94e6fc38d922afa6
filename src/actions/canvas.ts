// What the project canvas shows for one environment: its services and databases as cards, and
// which service's reference variables name which of them (the names only, never the values).
import type { Deps } from '../deps.js';
import type { User } from '../db/schema.js';
import { referencesIn } from '../variables/references.js';
import { InvalidInput } from '../errors.js';
import { getProjectFor } from '../actions/access.js';
import { listEnvironments } from '../store/projects.js';
import { listServices } from '../store/services.js';
import { readVariablesOf } from '../store/variables.js';
import { listDatabaseViews } from './databases.js';
import { serviceCards } from './page-data.js';
import type { ServiceCard } from './service-cards.js';
import type { ShownState } from './service-state.js';

/** A reference variable of `from` (a service) naming `to` (a service or database). */
export interface CanvasEdge {
  from: string;
  to: string;
  variable: string;
}

export interface CanvasDatabase {
  name: string;
  engine: string;
  image: string;
  /** Running tasks; null when Docker cannot be asked. */
  running: number | null;
  state: ShownState;
}

/** What the canvas of one environment shows (views/components/project-canvas.tsx draws it). */
export interface ProjectCanvasData {
  services: ServiceCard[];
  databases: CanvasDatabase[];
  edges: CanvasEdge[];
}

type Actor = Pick<User, 'id' | 'role' | 'email'>;

/** For each service of the environment, one edge per (variable, named resource) its values reference. */
export async function referenceEdges(deps: Deps, environmentId: number, services: { id: number; name: string }[]): Promise<CanvasEdge[]> {
  const edges: CanvasEdge[] = [];
  const valuesOf = await readVariablesOf(deps.db, deps.key, environmentId, services.map((s) => s.id));
  for (const svc of services) {
    for (const [variable, value] of Object.entries(valuesOf.get(svc.id)!)) {
      if (!value.includes('${{')) continue;
      let targets: string[];
      try {
        targets = referencesIn(value);
      } catch (err) {
        // A malformed reference names nothing; the Variables tab says what is wrong with it.
        if (err instanceof InvalidInput) continue;
        throw err;
      }
      for (const target of new Set(targets.map((t) => t.split('.')[0]))) edges.push({ from: svc.name, to: target, variable });
    }
  }
  return edges;
}

/** The canvas of one environment; `databases`, when the page has read them already, are not read again. */
export async function projectCanvas(deps: Deps, user: Actor, projectName: string, environmentName: string, databaseViews?: CanvasDatabase[]): Promise<ProjectCanvasData> {
  const project = await getProjectFor(deps.db, user, projectName, 'project.read');
  const environment = (await listEnvironments(deps.db, project.id)).find((e) => e.name === environmentName);
  if (!environment) return { services: [], databases: [], edges: [] };
  const services = await serviceCards(deps, user, project.name, environment.name);
  const shown = new Set(services.map((s) => s.name));
  const databases = databaseViews ?? (await listDatabaseViews(deps, user, project.name, environment.name));
  const edges = await referenceEdges(deps, environment.id, (await listServices(deps.db, project.id)).filter((s) => shown.has(s.name)));
  return { services, databases: databases.map((d) => ({ name: d.name, engine: d.engine, image: d.image, running: d.running, state: d.state })), edges };
}
