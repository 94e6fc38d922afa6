// Key-value settings that users change at run time (e.g. the base domain).
import type { Db } from '../db/open.js';

export const findSetting = async (db: Db, key: string) => (await db.selectFrom('settings').select('value').where('key', '=', key).executeTakeFirst())?.value;

export async function putSetting(db: Db, key: string, value: string): Promise<void> {
  await db.insertInto('settings').values({ key, value }).onConflict((oc) => oc.column('key').doUpdateSet({ value })).execute();
}
