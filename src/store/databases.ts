// A project environment's databases. A name is the database's host name on the project network,
// so it is unique among the project's services and the environment's databases.
import { isUniqueViolation } from '../db/errors.js';
import type { Db } from '../db/open.js';
import type { DatabaseRecord } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { seal, unseal } from '../secrets.js';
import { nowIso } from './time.js';

/** A database's login, stored sealed. */
export interface Credentials {
  user: string;
  password: string;
  /** The database (SQL engines, MongoDB); Redis has none. */
  database: string;
}

export interface NewDatabase {
  projectId: number;
  environmentId: number;
  name: string;
  /** Its Docker volume (databases/service-spec.ts databaseVolumeName), unique to it for good. */
  volumeName: string;
  engine: string;
  image: string;
  credentials: Credentials;
  backupSchedule?: string | null;
  backupKeep?: number;
}

export async function createDatabase(db: Db, key: Buffer, input: NewDatabase): Promise<DatabaseRecord> {
  try {
    return await db.transaction().execute(async (tx) => {
      if (await tx.selectFrom('services').select('id').where('project_id', '=', input.projectId).where('name', '=', input.name).executeTakeFirst()) {
        throw new Conflict(`the project has a service named ${input.name}; a database needs another name`);
      }
      return tx
        .insertInto('databases')
        .values({ project_id: input.projectId, environment_id: input.environmentId, name: input.name, volume_name: input.volumeName, engine: input.engine, image: input.image, credentials_sealed: seal(key, JSON.stringify(input.credentials)), backup_schedule: input.backupSchedule, backup_keep: input.backupKeep, created_at: nowIso() })
        .returningAll()
        .executeTakeFirstOrThrow();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`a database named ${input.name} already exists in this environment`);
    throw err;
  }
}

/** Every database with its project's and environment's names (reconciling with Docker). */
export function listAllDatabases(db: Db) {
  return db
    .selectFrom('databases')
    .innerJoin('projects', 'projects.id', 'databases.project_id')
    .innerJoin('environments', 'environments.id', 'databases.environment_id')
    .selectAll('databases')
    .select(['projects.name as project', 'environments.name as environment'])
    .execute();
}

export function listDatabases(db: Db, environmentId: number): Promise<DatabaseRecord[]> {
  return db.selectFrom('databases').selectAll().where('environment_id', '=', environmentId).orderBy('name').execute();
}

export function findDatabase(db: Db, environmentId: number, name: string): Promise<DatabaseRecord | undefined> {
  return db.selectFrom('databases').selectAll().where('environment_id', '=', environmentId).where('name', '=', name).executeTakeFirst();
}

export async function removeDatabaseRecord(db: Db, id: number): Promise<void> {
  await db.deleteFrom('databases').where('id', '=', id).execute();
}

export const credentialsOf = (key: Buffer, d: DatabaseRecord): Credentials => JSON.parse(unseal(key, d.credentials_sealed)) as Credentials;

/** Changes when the database is backed up (null: only when asked) and how many backups it keeps. */
export async function setBackupPolicy(db: Db, id: number, policy: { schedule?: string | null; keep?: number }): Promise<DatabaseRecord> {
  return db
    .updateTable('databases')
    .set({ ...(policy.schedule !== undefined ? { backup_schedule: policy.schedule } : {}), ...(policy.keep !== undefined ? { backup_keep: policy.keep } : {}) })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirstOrThrow();
}
