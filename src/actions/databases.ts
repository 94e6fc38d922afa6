// A project environment's databases: create (credentials generated and sealed; Spur runs it at
// once), list with their state, the connection variables, delete (the data kept unless asked).
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { DatabaseBackup, DatabaseRecord } from '../db/schema.js';
import { ENGINES, engineOf } from '../databases/engines/index.js';
import { removeDatabase, runDatabase } from '../databases/runner.js';
import { serviceTaskSummary } from '../docker/running-tasks.js';
import { databaseState } from './service-state.js';
import { backupFileOf, restoreInto } from '../databases/backups.js';
import { restartAndWait, waitForDatabase } from '../databases/ready.js';
import { listTasks } from '../docker/swarm.js';
import { formatTaskLine, streamTaskLogs } from '../docker/task-logs.js';
import { makeRedactor, secretValues } from '../variables/redact.js';
import { verifyBackup } from '../databases/verify.js';
import { referrersOf } from '../databases/referrers.js';
import { findBackup, listBackups } from '../store/database-backups.js';
import { databaseServiceName, databaseVolumeName } from '../databases/service-spec.js';
import { Conflict, InvalidFields, NotFound } from '../errors.js';
import { type Acting, type ProjectAction, openProject } from './access.js';
import { type AuditChange, type AuditObject, type Doer, audit } from './record.js';
import { createDatabase, credentialsOf, findDatabase, listDatabases, removeDatabaseRecord, setBackupPolicy } from '../store/databases.js';
import { DEFAULT_ENVIRONMENT, getEnvironment } from '../store/projects.js';
import { randomToken } from '../secrets.js';
import * as validate from '../validate.js';
import type { DatabaseEngine } from '../databases/engine.js';
import { checkRunImage } from '../builds/base-images.js';
import { type Actor, confirmName, requireDaemon } from './common.js';
import { type MetricsView, metricsOf } from './metrics.js';

type Body = Record<string, unknown>;

interface Scope {
  project: { id: number; name: string };
  environment: { id: number; name: string };
  /** The user with their role in the project, as the audit log names who acted. */
  acting?: Acting;
}

async function scopeOf(deps: Deps, user: Actor, projectName: string, environmentName: string | undefined, action: ProjectAction): Promise<Scope> {
  const { project, acting } = await openProject(deps.db, user, projectName, action);
  const environment = await getEnvironment(deps.db, project, environmentName ?? DEFAULT_ENVIRONMENT);
  return { project, environment, acting };
}

/** A database as the audit log names it: project/database (environment), in its project's log. */
const databaseObject = (scope: Scope, d: { id?: number; name: string }): AuditObject => ({ kind: 'database', id: d.id ?? null, name: `${scope.project.name}/${d.name} (${scope.environment.name})`, projectId: scope.project.id });

/** Records what `scope`'s user did to a database (the door gave who they are). */
const recordDatabase = (deps: Deps, scope: Scope, action: string, d: { id?: number; name: string }, change: AuditChange = {}) => audit(deps, scope.acting!, action, databaseObject(scope, d), change);

const refOf = (scope: Scope, name: string) => ({ project: scope.project.name, environment: scope.environment.name, name });

function runnable(deps: Deps, scope: Scope, d: DatabaseRecord) {
  return { ...refOf(scope, d.name), volume: d.volume_name, engine: engineOf(d), image: d.image, credentials: credentialsOf(deps.key, d) };
}

export async function toDatabaseView(deps: Deps, scope: Scope, d: DatabaseRecord) {
  const engine = engineOf(d);
  const tasks = deps.daemon.ready ? await serviceTaskSummary(deps.docker, databaseServiceName(refOf(scope, d.name))).catch(() => null) : null;
  const running = tasks?.running ?? null;
  return {
    name: d.name,
    engine: d.engine,
    image: d.image,
    environment: scope.environment.name,
    /** Running (1) or not (0); null when Docker cannot be asked. */
    running,
    /** Running, starting, or down with Docker's reason in plain words (service-state.ts). */
    state: databaseState({ running, problem: tasks?.problem }),
    /** Its host and port on the project network. */
    host: d.name,
    port: engine.port,
    /** What a service's variable can reference: `${{<name>.<VARIABLE>}}`. */
    variables: Object.keys(engine.variables(credentialsOf(deps.key, d), d.name)),
    reference: `\${{${d.name}.DATABASE_URL}}`,
    swarmService: databaseServiceName(refOf(scope, d.name)),
    volume: d.volume_name,
    /** Cron expression (UTC) of its backups; null: only when asked. */
    backupSchedule: d.backup_schedule,
    nextBackupAt: deps.databaseBackups.nextRun(d.id)?.toISOString() ?? null,
    backupKeep: d.backup_keep,
    createdAt: d.created_at,
    /** The services whose variables reference it, with those variables. */
    usedBy: await referrersOf(deps.db, deps.key, scope.environment.id, d.name),
  };
}

export type DatabaseView = Awaited<ReturnType<typeof toDatabaseView>>;

export async function listDatabaseViews(deps: Deps, user: Actor, projectName: string, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'project.read');
  return Promise.all((await listDatabases(deps.db, scope.environment.id)).map((d) => toDatabaseView(deps, scope, d)));
}

async function databaseIn(deps: Deps, scope: Scope, nameParam: string): Promise<DatabaseRecord> {
  const name = validate.resourceName('database', nameParam);
  const d = await findDatabase(deps.db, scope.environment.id, name);
  if (!d) throw new NotFound(`database ${name} not found in ${scope.project.name} (${scope.environment.name})`);
  return d;
}

export async function databaseView(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'project.read');
  return toDatabaseView(deps, scope, await databaseIn(deps, scope, name));
}

const NO_SCHEDULE = ['none', 'off', 'never'];
/** A backup schedule as a body gives it: a cron expression, or none/off/never (null). */
export const backupScheduleOf = (value: unknown) => (typeof value === 'string' && NO_SCHEDULE.includes(value.trim().toLowerCase()) ? null : validate.cronSchedule(value));
const keepOf = (value: unknown) => validate.integer('backups kept', value, 1, 1000);

function engineChoice(value: unknown) {
  const engine = typeof value === 'string' ? ENGINES[value] : undefined;
  if (!engine) throw new InvalidFields({ engine: `engine: choose one of ${Object.keys(ENGINES).join(', ')}` });
  return engine;
}

/** The image a new database runs: the engine's official image, at `version` if given, or an
 *  image of the user's (an engine's official image with extensions, say). */
function imageChoice(engine: DatabaseEngine, body: Body): string {
  const given = (v: unknown) => v !== undefined && v !== null && v !== '';
  if (given(body.image) && given(body.version)) throw new InvalidFields({ image: 'image: give an image or a version, not both' });
  if (given(body.image)) return validate.imageRef(body.image);
  if (!given(body.version)) return engine.image;
  if (typeof body.version !== 'string' || !engine.versionPattern.test(body.version)) throw new InvalidFields({ version: `version: give a ${engine.name} image tag such as ${engine.image.split(':')[1]}` });
  return `${engine.image.split(':')[0]}:${body.version}`;
}

/** Adds a database: a name, an engine of ENGINES, optionally a version (the image tag) or an
 *  image, a backup schedule and how many backups to keep. Docker must answer; the service is
 *  created at once. */
export async function addDatabase(deps: Deps, user: Actor, projectName: string, body: Body, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'database.create');
  const v = validate.fields({
    name: () => validate.resourceName('database', body.name),
    engine: () => engineChoice(body.engine),
    schedule: () => validate.optional(body.schedule, backupScheduleOf),
    keep: () => validate.optional(body.keep, keepOf),
  });
  const image = imageChoice(v.engine, body);
  requireDaemon(deps);
  await checkRunImage(deps.docker, 'image', image);
  const created = await createAndRun(deps, scope, { name: v.name, engine: v.engine, image, backupSchedule: v.schedule, backupKeep: v.keep });
  await recordDatabase(deps, scope, 'database.create', created, { after: { engine: created.engine, image: created.image, backupSchedule: created.backup_schedule, backupKeep: created.backup_keep } });
  return toDatabaseView(deps, scope, created);
}

async function createAndRun(deps: Deps, scope: Scope, input: { name: string; engine: DatabaseEngine; image: string; backupSchedule?: string | null; backupKeep?: number }): Promise<DatabaseRecord> {
  const credentials = { user: 'app', password: randomToken(24), database: input.name.replace(/-/g, '_') };
  // A new volume, never the one a deleted database of the same name left behind.
  const volumeName = databaseVolumeName(refOf(scope, input.name), randomBytes(6).toString('hex'));
  const record = await createDatabase(deps.db, deps.key, { projectId: scope.project.id, environmentId: scope.environment.id, name: input.name, volumeName, engine: input.engine.name, image: input.image, credentials, backupSchedule: input.backupSchedule, backupKeep: input.backupKeep });
  await runDatabase(deps.docker, deps.installId, runnable(deps, scope, record));
  await deps.databaseBackups.refreshSchedules();
  return record;
}

/** Empty databases in `into` (a preview), one of each engine and image `from` has, by the same
 *  names, so the references copied with the variables lead to them. No backups are scheduled. */
export async function freshDatabasesLike(deps: Deps, project: { id: number; name: string }, from: { id: number }, into: { id: number; name: string }, who: Doer): Promise<string[]> {
  const scope: Scope = { project, environment: into };
  const made: string[] = [];
  for (const d of await listDatabases(deps.db, from.id)) {
    const created = await createAndRun(deps, scope, { name: d.name, engine: engineOf(d), image: d.image });
    await audit(deps, who, 'database.create', databaseObject(scope, created), { after: { engine: created.engine, image: created.image, fresh: true } });
    made.push(created.name);
  }
  return made;
}

/** Changes a database's backup schedule (`schedule`: a cron expression, or none) and how many
 *  backups it keeps (`keep`); fewer kept prunes the oldest at once. */
export async function changeDatabase(deps: Deps, user: Actor, projectName: string, name: string, body: Body, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'database.change');
  const d = await databaseIn(deps, scope, name);
  const v = validate.fields({
    schedule: () => (body.schedule === undefined ? undefined : body.schedule === null || body.schedule === '' ? null : backupScheduleOf(body.schedule)),
    keep: () => (body.keep === undefined || body.keep === '' ? undefined : keepOf(body.keep)),
  });
  const changed = await setBackupPolicy(deps.db, d.id, v);
  await recordDatabase(deps, scope, 'database.change', d, { before: { backupSchedule: d.backup_schedule, backupKeep: d.backup_keep }, after: { backupSchedule: changed.backup_schedule, backupKeep: changed.backup_keep } });
  await deps.databaseBackups.refreshSchedules();
  if (changed.backup_keep < d.backup_keep) await deps.databaseBackups.prune(changed);
  return toDatabaseView(deps, scope, changed);
}

/** The connection variables in clear: the owner's alone to see, as variable values are. */
export async function databaseCredentials(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string): Promise<Record<string, string>> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'database.credentials');
  const d = await databaseIn(deps, scope, name);
  return engineOf(d).variables(credentialsOf(deps.key, d), d.name);
}

const checked = (v: unknown) => v === true || v === 'on' || v === 'true';

/** Deletes a database once its name is typed. Its data (the volume) goes only with deleteData;
 *  its newest backup is kept (the others go) unless deleteBackups says all go. */
export async function deleteDatabase(deps: Deps, user: Actor, projectName: string, name: string, body: Body, environmentName?: string): Promise<void> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'database.delete');
  const d = await databaseIn(deps, scope, name);
  confirmName(body, d.name);
  requireDaemon(deps);
  await removeDatabase(deps.docker, { ...refOf(scope, d.name), volume: d.volume_name }, { deleteData: checked(body.deleteData) });
  await removeDatabaseRecord(deps.db, d.id);
  await deps.databaseBackups.refreshSchedules();
  await deps.databaseBackups.prune(d, checked(body.deleteBackups) ? 0 : 1);
  await recordDatabase(deps, scope, 'database.delete', d, { before: { engine: d.engine, image: d.image }, after: { dataDeleted: checked(body.deleteData), backupsDeleted: checked(body.deleteBackups) ? 'all' : 'all but the newest' } });
}

const toBackupView = (b: DatabaseBackup) => ({
  id: b.id,
  database: b.database_name,
  engine: b.engine,
  status: b.status,
  size: b.size,
  sha256: b.sha256,
  error: b.error,
  /** Restored into a throwaway server and checked: passed, failed, or null while it runs. */
  verified: b.verified,
  verifyDetail: b.verify_detail,
  /** What started it: the schedule, or a person. */
  trigger: b.trigger,
  /** Its copy in S3-compatible storage: uploading, ok or failed (null: no storage configured). */
  remote: b.remote_status ? { status: b.remote_status, key: b.remote_key, error: b.remote_error } : null,
  createdAt: b.created_at,
  finishedAt: b.finished_at,
});
export type BackupView = ReturnType<typeof toBackupView>;

const backupDeps = (deps: Deps) => ({ db: deps.db, docker: deps.docker, key: deps.key, dataDir: deps.config.dataDir, installId: deps.installId });

/** Backs the database up now, and answers once the dump is on disk (or failed, saying why); the
 *  copy to S3 and the verification follow in the background. */
export async function backUpDatabase(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string): Promise<BackupView> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'backups.create');
  const d = await databaseIn(deps, scope, name);
  requireDaemon(deps);
  const backup = toBackupView(await deps.databaseBackups.backUpNow(refOf(scope, d.name), d, 'manual'));
  await recordDatabase(deps, scope, 'backups.create', d, { after: { backup: backup.id, status: backup.status } });
  return backup;
}

/** Verifies a backup again, now, and answers with the result. */
export async function verifyDatabaseBackup(deps: Deps, user: Actor, projectName: string, name: string, id: unknown, environmentName?: string): Promise<BackupView> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'backups.create');
  const d = await databaseIn(deps, scope, name);
  const b = await backupOf(deps, scope, d.name, id);
  requireDaemon(deps);
  await verifyBackup(deps, d, credentialsOf(deps.key, d), b);
  const verified = toBackupView(await backupOf(deps, scope, d.name, b.id));
  await recordDatabase(deps, scope, 'backups.verify', d, { after: { backup: b.id, verified: verified.verified } });
  return verified;
}

export async function backupsOf(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string): Promise<BackupView[]> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'project.read');
  const d = await databaseIn(deps, scope, name);
  return (await listBackups(deps.db, scope.environment.id, d.name)).map(toBackupView);
}

async function backupOf(deps: Deps, scope: Scope, databaseName: string, idParam: unknown): Promise<DatabaseBackup> {
  const id = validate.integer('backup id', idParam, 1, Number.MAX_SAFE_INTEGER);
  const b = await findBackup(deps.db, scope.environment.id, databaseName, id);
  if (!b) throw new NotFound(`${databaseName} has no backup ${id}`);
  return b;
}

/** The backup's file, for download: checked against its SHA-256 first. It holds every value in
 *  the database: the owner's alone to take, as credentials are. */
export async function backupFile(deps: Deps, user: Actor, projectName: string, name: string, id: unknown, environmentName?: string): Promise<{ path: string; filename: string }> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'backups.download');
  const d = await databaseIn(deps, scope, name);
  const b = await backupOf(deps, scope, d.name, id);
  let path: string;
  try {
    path = await backupFileOf(deps, b);
  } catch (err) {
    throw new Conflict((err as Error).message);
  }
  await recordDatabase(deps, scope, 'backups.download', d, { after: { backup: b.id } });
  return { path, filename: `${scope.project.name}-${scope.environment.name}-${d.name}-${b.id}.dump` };
}

/** Restores a backup of `name`: into `name` itself once its name is typed (`confirm`), or into a
 *  new database `into` of the same engine and image, which leaves `name` untouched. The one
 *  database a restore writes into is the one the body names. */
export async function restoreDatabase(deps: Deps, user: Actor, projectName: string, name: string, body: Body, environmentName?: string): Promise<BackupView & { into: string }> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'database.restore');
  const d = await databaseIn(deps, scope, name);
  const b = await backupOf(deps, scope, d.name, body.backup);
  const into = body.into === undefined || body.into === '' ? undefined : validate.resourceName('database', body.into);
  if (into === undefined && body.confirm !== d.name) throw new InvalidFields({ confirm: `confirm: type the name of the database to restore into (${d.name}); what it holds is replaced by backup ${b.id}` });
  if (into === d.name) throw new InvalidFields({ into: `into: a new database's name; to restore into ${d.name} itself, confirm its name instead` });
  requireDaemon(deps);
  const target = into === undefined ? d : await createAndRun(deps, scope, { name: into, engine: engineOf(d), image: d.image });
  try {
    if (into !== undefined) await waitForDatabase(deps.docker, refOf(scope, target.name), engineOf(target), credentialsOf(deps.key, target));
    await restoreInto(backupDeps(deps), refOf(scope, target.name), target, b);
  } catch (err) {
    throw new Conflict((err as Error).message);
  }
  await recordDatabase(deps, scope, 'database.restore', d, { after: { backup: b.id, into: target.name } });
  return { ...toBackupView(b), into: target.name };
}

/** A database's metrics, as a service's (it has no deployments to mark). */
export async function databaseMetrics(deps: Deps, user: Actor, projectName: string, name: string, range: unknown, environmentName?: string): Promise<MetricsView> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'project.read');
  const d = await databaseIn(deps, scope, name);
  return metricsOf(deps, databaseServiceName(refOf(scope, d.name)), range);
}

/** The database's last `tail` log lines, every task Swarm still knows (a crashed one's too), its
 *  password masked. */
export async function databaseLogs(deps: Deps, user: Actor, projectName: string, name: string, tailParam: unknown, environmentName?: string): Promise<string[]> {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'logs.read');
  const d = await databaseIn(deps, scope, name);
  const tail = validate.optional(tailParam, (v) => validate.integer('tail', v, 1, 10_000)) ?? 200;
  requireDaemon(deps);
  const tasks = (await listTasks(deps.docker, databaseServiceName(refOf(scope, d.name)))).map((t) => ({ id: t.id, name: `${d.name}.${t.slot ?? '?'}${t.state !== 'running' ? ` (${t.state})` : ''}` }));
  const redact = makeRedactor(secretValues(engineOf(d).variables(credentialsOf(deps.key, d), d.name)));
  const lines: string[] = [];
  await streamTaskLogs(deps.docker, { tasks, tail, follow: false, onLine: (l) => lines.push(redact(formatTaskLine(l))) });
  return lines;
}

/** Restarts the database's server (a new task on the same volume, stopped first); answers once
 *  it is ready again. */
export async function restartDatabase(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName, 'database.change');
  const d = await databaseIn(deps, scope, name);
  requireDaemon(deps);
  const ref = refOf(scope, d.name);
  await runDatabase(deps.docker, deps.installId, runnable(deps, scope, d));
  try {
    await restartAndWait(deps.docker, ref, engineOf(d), credentialsOf(deps.key, d));
  } catch (err) {
    throw new Conflict(`${d.name} was restarted but is not answering: ${(err as Error).message}`);
  } finally {
    await recordDatabase(deps, scope, 'database.restart', d);
  }
  return toDatabaseView(deps, scope, d);
}
