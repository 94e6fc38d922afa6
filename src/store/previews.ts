// Preview environments (migration 045): one per pull request of a service, `pr-<number>`, made
// from the service's preview base. Made, capped and copied in one transaction, so two events of
// the same pull request, or two pull requests at once, never make two or pass the cap.
import type { Db } from '../db/open.js';
import type { Environment, Project, Service } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { freeDomainLabel } from './domains.js';
import { getEnvironment } from './projects.js';
import { setVariables } from './variables.js';
import { nowIso } from './time.js';

export const previewName = (pr: number) => `pr-${pr}`;

export interface PreviewInput {
  project: Project;
  service: Service;
  pr: number;
  fork: boolean;
  head: string;
  /** The branch a deploy of it fetches (the head's for a pull request within the repository; the
   *  base's for a fork, whose head commit is fetched by its id). */
  branch: string;
  expiresAt: string;
  /** Previews one project may have at once. */
  max: number;
  /** Values copied from the base, by service id (none for a fork). */
  variables: Record<number, Record<string, string>>;
  /** The base's other services come too, each with the same settings (never for a fork). */
  withOthers: boolean;
  /** The git host whose event it is. */
  provider: string;
  key: Buffer;
  /** The base is protected: so is the preview (it holds the base's variables). */
  protectedBase: boolean;
}

/** The preview of the pull request, made now (`made`, with the base's `others` services it holds)
 *  from the service's base environment, or the one that exists (its head and expiry brought up to date). */
export async function openPreview(db: Db, input: PreviewInput): Promise<{ environment: Environment; made: boolean; others: { id: number; name: string }[] }> {
  const name = previewName(input.pr);
  return db.transaction().execute(async (tx) => {
    const existing = await tx.selectFrom('environments').selectAll().where('project_id', '=', input.project.id).where('name', '=', name).executeTakeFirst();
    if (existing) {
      if (existing.preview_service_id !== input.service.id) throw new Conflict(`environment ${name} of ${input.project.name} is not ${input.service.name}'s preview of pull request ${input.pr}`);
      // Become a fork: what was copied while it was trusted goes.
      if (input.fork && existing.preview_fork === 0) await tx.deleteFrom('variables').where('environment_id', '=', existing.id).execute();
      const environment = await tx.updateTable('environments').set({ preview_head: input.head, preview_expires_at: input.expiresAt, preview_fork: input.fork ? 1 : existing.preview_fork, preview_provider: input.provider }).where('id', '=', existing.id).returningAll().executeTakeFirstOrThrow();
      return { environment, made: false, others: [] };
    }
    // Forks have a cap of their own: outsiders' pull requests never use up the team's previews.
    const { count } = await tx.selectFrom('environments').select((eb) => eb.fn.countAll<number>().as('count')).where('project_id', '=', input.project.id).where('preview_pr', 'is not', null).where('preview_fork', '=', input.fork ? 1 : 0).executeTakeFirstOrThrow();
    if (Number(count) >= input.max) throw new Conflict(`${input.project.name} has ${count} ${Number(count) === 1 ? 'preview' : 'previews'}${input.fork ? " of forks' pull requests" : ''}, the most it may have at once (SPUR_PREVIEWS_MAX): close a pull request or remove a preview first`);
    const base = await getEnvironment(tx, input.project, input.service.previews_base!);
    const environment = await tx
      .insertInto('environments')
      .values({ project_id: input.project.id, name, created_at: nowIso(), protected: input.protectedBase ? 1 : 0, preview_service_id: input.service.id, preview_pr: input.pr, preview_fork: input.fork ? 1 : 0, preview_head: input.head, preview_expires_at: input.expiresAt, preview_provider: input.provider })
      .returningAll()
      .executeTakeFirstOrThrow();
    const ofBase = tx.selectFrom('service_instances as i').innerJoin('services as s', 's.id', 'i.service_id').selectAll('i').select('s.name as service_name').where('i.environment_id', '=', base.id);
    const instances = await (input.withOthers && !input.fork ? ofBase : ofBase.where('i.service_id', '=', input.service.id)).orderBy('s.name').execute();
    if (!instances.some((i) => i.service_id === input.service.id)) throw new Conflict(`${input.service.name} has no instance in ${base.name}, its preview base`);
    const others: { id: number; name: string }[] = [];
    for (const { environment_id: _base, domain_label: _label, service_name, ...settings } of instances) {
      const own = settings.service_id === input.service.id;
      const domain_label = await freeDomainLabel(tx, { project: input.project.name, service: service_name, environment: name });
      // Only the pull request's events deploy it: a push to its branch does not.
      await tx.insertInto('service_instances').values({ ...settings, environment_id: environment.id, domain_label, branch: own ? input.branch : settings.branch, auto_deploy: 0, autoscale_min: null, autoscale_max: null, strategy: 'rolling' }).execute();
      const values = input.variables[settings.service_id] ?? {};
      if (Object.keys(values).length) await setVariables(tx, input.key, { serviceId: settings.service_id, environmentId: environment.id }, values);
      if (!own) others.push({ id: settings.service_id, name: service_name });
    }
    return { environment, made: true, others };
  });
}

export const findPreview = (db: Db, projectId: number, pr: number) => db.selectFrom('environments').selectAll().where('project_id', '=', projectId).where('preview_pr', '=', pr).executeTakeFirst();

export const listPreviews = (db: Db, projectId: number) => db.selectFrom('environments').selectAll().where('project_id', '=', projectId).where('preview_pr', 'is not', null).orderBy('preview_pr').execute();

/** What a preview's view shows besides its row: its service's name and its generated domain label. */
export const previewFacts = (db: Db, e: Pick<Environment, 'id' | 'preview_service_id'>) =>
  db
    .selectFrom('service_instances as i')
    .innerJoin('services as s', 's.id', 'i.service_id')
    .select(['s.name as service', 'i.domain_label'])
    .where('i.environment_id', '=', e.id)
    .where('i.service_id', '=', e.preview_service_id ?? 0)
    .executeTakeFirst();

/** A preview whose removal must wait (a rollout under way) goes at the next sweep. */
export const expirePreviewNow = (db: Db, environmentId: number) => db.updateTable('environments').set({ preview_expires_at: nowIso() }).where('id', '=', environmentId).execute();

/** Previews past their expiry, with their projects. */
export async function expiredPreviews(db: Db, now: string): Promise<{ project: Project; environment: Environment }[]> {
  const envs = await db.selectFrom('environments').selectAll().where('preview_pr', 'is not', null).where('preview_expires_at', '<', now).execute();
  const projects = await db.selectFrom('projects').selectAll().where('id', 'in', envs.length ? envs.map((e) => e.project_id) : [0]).execute();
  return envs.map((environment) => ({ environment, project: projects.find((p) => p.id === environment.project_id)! }));
}

export type PreviewSettings = Pick<Service, 'previews_base' | 'previews_copy' | 'previews_ttl_h' | 'previews_with' | 'previews_databases' | 'previews_status_token_sealed'>;

export const setPreviewSettings = (db: Db, serviceId: number, settings: PreviewSettings) =>
  db.updateTable('services').set(settings).where('id', '=', serviceId).returningAll().executeTakeFirstOrThrow();

/** A newer head of the pull request replaces its deploy requests still waiting. */
export const supersedePendingRequests = (db: Db, environmentId: number, reason: string) =>
  db.updateTable('change_requests').set({ status: 'cancelled', decided_at: nowIso(), reason }).where('environment_id', '=', environmentId).where('status', '=', 'pending').execute();

/** What a preview's commit status needs of one of its deployments: only a deployment of the pull
 *  request's own service, in a preview an event made, whose service has a status token. */
export const previewStatusFacts = (db: Db, deploymentId: number) =>
  db
    .selectFrom('deployments as d')
    .innerJoin('environments as e', 'e.id', 'd.environment_id')
    .innerJoin('services as s', 's.id', 'd.service_id')
    .innerJoin('service_instances as i', (j) => j.onRef('i.service_id', '=', 'd.service_id').onRef('i.environment_id', '=', 'd.environment_id'))
    .select(['d.commit_sha', 'e.name as environment', 'e.preview_provider as provider', 's.git_url', 's.previews_status_token_sealed as token_sealed', 'i.domain_label'])
    .where('d.id', '=', deploymentId)
    .whereRef('e.preview_service_id', '=', 'd.service_id')
    .where('e.preview_provider', 'is not', null)
    .where('s.previews_status_token_sealed', 'is not', null)
    .executeTakeFirst();
