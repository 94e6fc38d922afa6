// A project environment's databases: create (credentials generated and sealed; Spur runs it at
// once), list with their state, the connection variables, delete (the data kept unless asked).
import type { Deps } from '../deps.js';
import type { DatabaseBackup, DatabaseRecord, User } from '../db/schema.js';
import { ENGINES, engineOf } from '../databases/engines/index.js';
import { removeDatabase, runDatabase, runningDatabaseTasks } from '../databases/runner.js';
import { backUp, checkBackupFile, restoreInto } from '../databases/backups.js';
import { verifyBackup } from '../databases/verify.js';
import { findBackup, listBackups } from '../store/database-backups.js';
import { databaseServiceName, databaseVolumeName } from '../databases/service-spec.js';
import { Conflict, Forbidden, InvalidFields, NotFound } from '../errors.js';
import { getProjectFor } from '../store/access.js';
import { createDatabase, credentialsOf, findDatabase, listDatabases, removeDatabaseRecord } from '../store/databases.js';
import { DEFAULT_ENVIRONMENT, getEnvironment } from '../store/projects.js';
import { randomToken } from '../secrets.js';
import * as validate from '../validate.js';
import { confirmName, requireEngine } from './operations.js';

type Actor = Pick<User, 'id' | 'role'>;
type Body = Record<string, unknown>;

interface Scope {
  project: { id: number; name: string };
  environment: { id: number; name: string };
}

async function scopeOf(deps: Deps, user: Actor, projectName: string, environmentName?: string): Promise<Scope> {
  const project = await getProjectFor(deps.db, user, projectName);
  const environment = await getEnvironment(deps.db, project, environmentName ?? DEFAULT_ENVIRONMENT);
  return { project, environment };
}

const refOf = (scope: Scope, name: string) => ({ project: scope.project.name, environment: scope.environment.name, name });

function runnable(deps: Deps, scope: Scope, d: DatabaseRecord) {
  return { ...refOf(scope, d.name), engine: engineOf(d), image: d.image, credentials: credentialsOf(deps.key, d) };
}

export async function toDatabaseView(deps: Deps, scope: Scope, d: DatabaseRecord) {
  const engine = engineOf(d);
  const running = deps.engine.ready ? await runningDatabaseTasks(deps.docker, refOf(scope, d.name)).catch(() => null) : null;
  return {
    name: d.name,
    engine: d.engine,
    image: d.image,
    environment: scope.environment.name,
    /** Running (1) or not (0); null when Docker cannot be asked. */
    running,
    /** Its host and port on the project network. */
    host: d.name,
    port: engine.port,
    /** What a service's variable can reference: `${{<name>.<VARIABLE>}}`. */
    variables: Object.keys(engine.variables(credentialsOf(deps.key, d), d.name)),
    reference: `\${{${d.name}.DATABASE_URL}}`,
    swarmService: databaseServiceName(refOf(scope, d.name)),
    volume: databaseVolumeName(refOf(scope, d.name)),
    createdAt: d.created_at,
  };
}

export type DatabaseView = Awaited<ReturnType<typeof toDatabaseView>>;

export async function listDatabaseViews(deps: Deps, user: Actor, projectName: string, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName);
  return Promise.all((await listDatabases(deps.db, scope.environment.id)).map((d) => toDatabaseView(deps, scope, d)));
}

async function databaseIn(deps: Deps, scope: Scope, nameParam: string): Promise<DatabaseRecord> {
  const name = validate.resourceName('database', nameParam);
  const d = await findDatabase(deps.db, scope.environment.id, name);
  if (!d) throw new NotFound(`database ${name} not found in ${scope.project.name} (${scope.environment.name})`);
  return d;
}

export async function databaseView(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName);
  return toDatabaseView(deps, scope, await databaseIn(deps, scope, name));
}

/** Adds a database: a name, an engine of ENGINES, optionally a version (the image tag). Docker
 *  must answer; the service is created at once. */
export async function addDatabase(deps: Deps, user: Actor, projectName: string, body: Body, environmentName?: string) {
  const scope = await scopeOf(deps, user, projectName, environmentName);
  const v = validate.fields({
    name: () => validate.resourceName('database', body.name),
    engine: () => {
      const engine = typeof body.engine === 'string' ? ENGINES[body.engine] : undefined;
      if (!engine) throw new InvalidFields({ engine: `engine: choose one of ${Object.keys(ENGINES).join(', ')}` });
      return engine;
    },
  });
  const version = body.version === undefined || body.version === '' ? undefined : body.version;
  if (version !== undefined && (typeof version !== 'string' || !v.engine.versionPattern.test(version))) {
    throw new InvalidFields({ version: `version: give a ${v.engine.name} image tag such as ${v.engine.image.split(':')[1]}` });
  }
  requireEngine(deps);
  const image = version === undefined ? v.engine.image : `${v.engine.image.split(':')[0]}:${version}`;
  const credentials = { user: 'app', password: randomToken(24), database: v.name.replace(/-/g, '_') };
  const record = await createDatabase(deps.db, deps.key, { projectId: scope.project.id, environmentId: scope.environment.id, name: v.name, engine: v.engine.name, image, credentials });
  await runDatabase(deps.docker, deps.installId, runnable(deps, scope, record));
  return toDatabaseView(deps, scope, record);
}

/** The connection variables in clear: the owner's alone to see, as variable values are. */
export async function databaseCredentials(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string): Promise<Record<string, string>> {
  if (user.role !== 'owner') throw new Forbidden('only the owner may see database credentials');
  const scope = await scopeOf(deps, user, projectName, environmentName);
  const d = await databaseIn(deps, scope, name);
  return engineOf(d).variables(credentialsOf(deps.key, d), d.name);
}

/** Deletes a database once its name is typed; its data (the volume) only with deleteData. */
export async function deleteDatabase(deps: Deps, user: Actor, projectName: string, name: string, body: Body, environmentName?: string): Promise<void> {
  const scope = await scopeOf(deps, user, projectName, environmentName);
  const d = await databaseIn(deps, scope, name);
  confirmName(body, d.name);
  requireEngine(deps);
  await removeDatabase(deps.docker, refOf(scope, d.name), { deleteData: body.deleteData === true || body.deleteData === 'on' });
  await removeDatabaseRecord(deps.db, d.id);
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
  createdAt: b.created_at,
  finishedAt: b.finished_at,
});
export type BackupView = ReturnType<typeof toBackupView>;

const backupDeps = (deps: Deps) => ({ db: deps.db, docker: deps.docker, key: deps.key, dataDir: deps.config.dataDir });

/** Backs the database up now, and answers once the dump is on disk (or failed, saying why). */
export async function backUpDatabase(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string): Promise<BackupView> {
  const scope = await scopeOf(deps, user, projectName, environmentName);
  const d = await databaseIn(deps, scope, name);
  requireEngine(deps);
  const backup = await backUp(backupDeps(deps), refOf(scope, d.name), d);
  // Proven in the background: the answer does not wait for a throwaway server to start.
  if (backup.status === 'ok') void verifyBackup(deps, d, credentialsOf(deps.key, d), backup).catch((err) => deps.log.error('backup verification failed to run', { backup: backup.id, error: String(err) }));
  return toBackupView(backup);
}

/** Verifies a backup again, now, and answers with the result. */
export async function verifyDatabaseBackup(deps: Deps, user: Actor, projectName: string, name: string, id: unknown, environmentName?: string): Promise<BackupView> {
  const scope = await scopeOf(deps, user, projectName, environmentName);
  const d = await databaseIn(deps, scope, name);
  const b = await backupOf(deps, scope, d.name, id);
  requireEngine(deps);
  await verifyBackup(deps, d, credentialsOf(deps.key, d), b);
  return toBackupView(await backupOf(deps, scope, d.name, b.id));
}

export async function backupsOf(deps: Deps, user: Actor, projectName: string, name: string, environmentName?: string): Promise<BackupView[]> {
  const scope = await scopeOf(deps, user, projectName, environmentName);
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
  if (user.role !== 'owner') throw new Forbidden('only the owner may download database backups');
  const scope = await scopeOf(deps, user, projectName, environmentName);
  const d = await databaseIn(deps, scope, name);
  const b = await backupOf(deps, scope, d.name, id);
  try {
    return { path: await checkBackupFile(b), filename: `${scope.project.name}-${scope.environment.name}-${d.name}-${b.id}.dump` };
  } catch (err) {
    throw new Conflict((err as Error).message);
  }
}

/** Restores a backup of `name` into `name`, once the name is typed: the one database it can
 *  write into is the one named in the path and the confirmation both. */
export async function restoreDatabase(deps: Deps, user: Actor, projectName: string, name: string, body: Body, environmentName?: string): Promise<BackupView> {
  const scope = await scopeOf(deps, user, projectName, environmentName);
  const d = await databaseIn(deps, scope, name);
  const b = await backupOf(deps, scope, d.name, body.backup);
  if (body.confirm !== d.name) throw new InvalidFields({ confirm: `confirm: type the name of the database to restore into (${d.name}); what it holds is replaced by backup ${b.id}` });
  requireEngine(deps);
  try {
    await restoreInto(backupDeps(deps), refOf(scope, d.name), d, b);
  } catch (err) {
    throw new Conflict((err as Error).message);
  }
  return toBackupView(b);
}
