// The command palette's answers: the places a user may go (pages by role; projects, services,
// databases and deployments of the projects they may see) and the actions they may run by name
// (deploy, roll back, logs) where their role may (the door's MAY), each action with the question
// asked before it runs. The web route and the JSON API both call searchPalette.
import { confirmQuestion } from './words.js';
import type { Db } from '../db/open.js';
import type { DeploymentStatus, User } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { chooseRollbackTarget } from '../deploy/rollback-target.js';
import { InvalidInput } from '../errors.js';
import { type Action, listProjectsFor, mayDo, roleIn } from './access.js';
import { listRollbackTargets } from '../store/deployments.js';
import { listProjectsInstances } from '../store/services.js';
import { type PaletteVerb, matchRank, parsePaletteQuery, topRanked } from './palette-match.js';

/** Longer queries are refused (400): nothing Spur names is this long. */
export const PALETTE_QUERY_MAX = 100;
/** At most this many results; the answer says when there were more. */
export const PALETTE_RESULTS_MAX = 20;
/** Recent deployments offered before anything is typed. */
const RECENT_DEPLOYMENTS = 5;

export type PaletteKind = 'page' | 'project' | 'service' | 'database' | 'deployment' | PaletteVerb;

export interface PaletteResult {
  kind: PaletteKind;
  label: string;
  detail?: string;
  /** Where choosing it goes (for an action: the page that shows its outcome or why it can't run). */
  href: string;
  /** An action: the route to POST to (with `fields`), after asking `confirm`. */
  post?: string;
  fields?: Record<string, string>;
  confirm?: string;
  /** Listed, but it cannot run now; `detail` says why. */
  disabled?: boolean;
}

export interface PaletteAnswer {
  results: PaletteResult[];
  /** More matched than were sent. */
  more: boolean;
}

type Actor = Pick<User, 'id' | 'role'>;
interface Instance { project: string; service: string; environment: string; serviceId: number; environmentId: number }

/** The palette asks the question the action's button asks (words.ts). */
export const paletteQuestion = {
  deploy: (i: Pick<Instance, 'service' | 'environment'>) => confirmQuestion('deploy', i)!,
  rollback: (i: Pick<Instance, 'service' | 'environment'>, to: number) => confirmQuestion('rollback', { ...i, deployment: to })!,
};

const PAGES: { label: string; href: string; shownTo?: Action }[] = [
  { label: 'Projects', href: '/' },
  { label: 'SSH keys', href: '/keys' },
  { label: 'Servers', href: '/servers', shownTo: 'servers.manage' },
  { label: 'Settings', href: '/settings', shownTo: 'settings.change' },
  { label: 'Users', href: '/users', shownTo: 'users.manage' },
  { label: 'Account', href: '/account' },
];

/** The action of MAY each verb of the palette needs. */
const VERB_ACTIONS: Record<PaletteVerb, Action> = { deploy: 'deploy', rollback: 'rollback', logs: 'logs.read' };

const where = (i: Pick<Instance, 'project' | 'environment'>) => `${i.project} · ${i.environment}`;
const serviceUrl = (i: Instance, tab = '') => `/projects/${i.project}/services/${i.service}${tab}?env=${i.environment}`;

/** What the palette offers for `q`, limited to what `user` may see. */
export async function searchPalette(deps: Pick<Deps, 'db'>, user: Actor, q: unknown): Promise<PaletteAnswer> {
  const text = typeof q === 'string' ? q : '';
  if (text.length > PALETTE_QUERY_MAX) throw new InvalidInput('q', `must be at most ${PALETTE_QUERY_MAX} characters`);
  const query = parsePaletteQuery(text);
  const projects = await listProjectsFor(deps.db, user);
  const projectIds = projects.map((p) => p.id);
  const pages = PAGES.filter((p) => !p.shownTo || mayDo(user, p.shownTo)).map((p): PaletteResult => ({ kind: 'page', label: p.label, href: p.href }));
  const projectResults = projects.map((p): PaletteResult => ({ kind: 'project', label: p.name, href: `/projects/${p.name}` }));

  if (query.kind === 'start') {
    const recent = (await deploymentsOf(deps.db, projectIds, { limit: RECENT_DEPLOYMENTS })).map(toDeploymentResult);
    return topRanked([...pages, ...projectResults, ...recent].map((item) => ({ rank: 0, item })), PALETTE_RESULTS_MAX);
  }
  const instances = await listProjectsInstances(deps.db, projectIds);
  if (query.kind === 'action') {
    // Only where the user's role may run it: a viewer is offered logs, never deploy or rollback.
    const roles = new Map(await Promise.all(projects.map(async (p) => [p.name, { role: await roleIn(deps.db, user, p.id) }] as const)));
    const allowed = instances.filter((i) => mayDo(roles.get(i.project) ?? {}, VERB_ACTIONS[query.verb]));
    const ranked = rank(allowed, query.term, (i) => [i.service, `${i.project}/${i.service}`]);
    const { results, more } = topRanked(ranked, PALETTE_RESULTS_MAX);
    return { results: await Promise.all(results.map((i) => actionFor(deps.db, query.verb, i))), more };
  }
  const found: { rank: number; item: PaletteResult }[] = [];
  if (query.kind === 'deployment') {
    const [d] = await deploymentsOf(deps.db, projectIds, { id: query.id, limit: 1 });
    if (d) found.push({ rank: 0, item: toDeploymentResult(d) });
    if (!query.alsoNames) return { results: found.map((f) => f.item), more: false };
  }
  const term = query.term;
  found.push(
    ...rank(pages, term, (p) => [p.label]),
    ...rank(projectResults, term, (p) => [p.label]),
    ...rank(instances, term, (i) => [i.service, `${i.project}/${i.service}`]).map(({ rank, item: i }) => ({ rank, item: { kind: 'service', label: i.service, detail: where(i), href: serviceUrl(i) } as PaletteResult })),
    ...rank(await databasesOf(deps.db, projectIds), term, (d) => [d.name, `${d.project}/${d.name}`]).map(({ rank, item: d }) => ({ rank, item: { kind: 'database', label: d.name, detail: where(d), href: `/projects/${d.project}/databases/${d.name}?env=${d.environment}` } as PaletteResult })),
  );
  return topRanked(found, PALETTE_RESULTS_MAX);
}

function rank<T>(items: T[], term: string, names: (item: T) => string[]) {
  return items.flatMap((item) => {
    const r = matchRank(term, names(item));
    return r === undefined ? [] : [{ rank: r, item }];
  });
}

async function actionFor(db: Db, verb: PaletteVerb, i: Instance): Promise<PaletteResult> {
  const base = { detail: where(i) };
  if (verb === 'logs') return { kind: 'logs', label: `Logs of ${i.service}`, ...base, href: serviceUrl(i, '/logs') };
  if (verb === 'deploy') return { kind: 'deploy', label: `Deploy ${i.service}`, ...base, href: serviceUrl(i), post: `/projects/${i.project}/services/${i.service}/deploy?env=${i.environment}`, confirm: paletteQuestion.deploy(i) };
  // The same choice the deployer makes, so the question names the version that will run.
  const targets = await listRollbackTargets(db, { serviceId: i.serviceId, environmentId: i.environmentId });
  const target = chooseRollbackTarget(targets);
  const label = `Roll back ${i.service}`;
  const href = serviceUrl(i, '/deployments');
  if (!target) return { kind: 'rollback', label, detail: `${where(i)} · nothing earlier to roll back to`, href, disabled: true };
  return { kind: 'rollback', label, detail: `${where(i)} · to #${target.id}`, href, post: `/projects/${i.project}/services/${i.service}/rollback?env=${i.environment}`, fields: { deployment: String(target.id) }, confirm: paletteQuestion.rollback(i, target.id) };
}

interface DeploymentRow { id: number; status: DeploymentStatus; project: string; service: string; environment: string }
const toDeploymentResult = (d: DeploymentRow): PaletteResult => ({ kind: 'deployment', label: `#${d.id}`, detail: `${d.service} in ${where(d)} · ${d.status}`, href: `/deployments/${d.id}` });

/** Deployments of the given projects, newest first (or the one with `id`). */
function deploymentsOf(db: Db, projectIds: number[], opts: { id?: number; limit: number }): Promise<DeploymentRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  let query = db
    .selectFrom('deployments')
    .innerJoin('services', 'services.id', 'deployments.service_id')
    .innerJoin('projects', 'projects.id', 'services.project_id')
    .innerJoin('environments', 'environments.id', 'deployments.environment_id')
    .select(['deployments.id', 'deployments.status', 'projects.name as project', 'services.name as service', 'environments.name as environment'])
    .where('projects.id', 'in', projectIds);
  if (opts.id !== undefined) query = query.where('deployments.id', '=', opts.id);
  return query.orderBy('deployments.id', 'desc').limit(opts.limit).execute();
}

function databasesOf(db: Db, projectIds: number[]): Promise<{ name: string; project: string; environment: string }[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return db
    .selectFrom('databases')
    .innerJoin('projects', 'projects.id', 'databases.project_id')
    .innerJoin('environments', 'environments.id', 'databases.environment_id')
    .select(['databases.name', 'projects.name as project', 'environments.name as environment'])
    .where('projects.id', 'in', projectIds)
    .orderBy('projects.name')
    .orderBy('databases.name')
    .orderBy('environments.name')
    .execute();
}
