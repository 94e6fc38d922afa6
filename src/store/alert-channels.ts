// Alert channels (migration 041): a project's or the installation's, secrets sealed apart.
import type { Db } from '../db/open.js';
import type { AlertChannelTable } from '../db/schema.js';
import type { Selectable } from 'kysely';
import { seal, unseal } from '../secrets.js';

export type AlertChannelRecord = Selectable<AlertChannelTable>;

const scoped = (projectId: number | null) => (projectId === null ? ('is' as const) : ('=' as const));

export function listAlertChannels(db: Db, projectId: number | null): Promise<AlertChannelRecord[]> {
  return db.selectFrom('alert_channels').selectAll().where('project_id', scoped(projectId), projectId).orderBy('name').execute();
}

export function findAlertChannel(db: Db, projectId: number | null, id: number): Promise<AlertChannelRecord | undefined> {
  return db.selectFrom('alert_channels').selectAll().where('project_id', scoped(projectId), projectId).where('id', '=', id).executeTakeFirst();
}

/** Adds a channel; undefined when the name is taken there, 'full' when the scope has `max`
 *  already (counted and added in one transaction). */
export async function createAlertChannel(db: Db, key: Buffer, input: { projectId: number | null; name: string; kind: string; settings: Record<string, unknown>; secrets: Record<string, unknown> }, max = Number.MAX_SAFE_INTEGER): Promise<AlertChannelRecord | 'full' | undefined> {
  return db.transaction().execute(async (tx) => {
    const { n } = await tx.selectFrom('alert_channels').select((eb) => eb.fn.countAll<number>().as('n')).where('project_id', scoped(input.projectId), input.projectId).executeTakeFirstOrThrow();
    if (Number(n) >= max) return 'full';
    return insertChannel(tx, key, input);
  });
}

const insertChannel = (db: Db, key: Buffer, input: { projectId: number | null; name: string; kind: string; settings: Record<string, unknown>; secrets: Record<string, unknown> }) =>
  db
    .insertInto('alert_channels')
    .values({ project_id: input.projectId, name: input.name, kind: input.kind, settings: JSON.stringify(input.settings), secrets_sealed: seal(key, JSON.stringify(input.secrets)), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.doNothing())
    .returningAll()
    .executeTakeFirst();

export async function deleteAlertChannel(db: Db, projectId: number | null, id: number): Promise<boolean> {
  const r = await db.deleteFrom('alert_channels').where('project_id', scoped(projectId), projectId).where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** A channel's settings with its secrets, to send with. */
export const channelSettings = (key: Buffer, r: AlertChannelRecord): Record<string, unknown> => ({ ...JSON.parse(r.settings), ...JSON.parse(unseal(key, r.secrets_sealed)) });
