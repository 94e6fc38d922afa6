// The images Spur's builds made on each server, and when a build last used each (migration 025).
import type { Db } from '../db/open.js';
import { nowIso } from './time.js';

export interface BuildCacheImage {
  imageId: string;
  usedAt: string;
}

/** Records images a build made (full ids), as used now. */
export async function recordBuildCacheImages(db: Db, server: string, imageIds: string[]): Promise<void> {
  if (!imageIds.length) return;
  const usedAt = nowIso();
  await db.transaction().execute(async (tx) => {
    for (const imageId of new Set(imageIds)) {
      await tx.insertInto('build_cache_images').values({ server, image_id: imageId, used_at: usedAt }).onConflict((oc) => oc.columns(['server', 'image_id']).doUpdateSet({ used_at: usedAt })).execute();
    }
  });
}

/** Marks recorded images a build reused (short ids, as the builder prints them) as used now;
 *  an id that is not on the list is not added. */
export async function touchBuildCacheImages(db: Db, server: string, shortIds: string[]): Promise<void> {
  const ids = [...new Set(shortIds)].filter((id) => /^[0-9a-f]{12}$/.test(id));
  if (!ids.length) return;
  const usedAt = nowIso();
  await db.transaction().execute(async (tx) => {
    for (const id of ids) await tx.updateTable('build_cache_images').set({ used_at: usedAt }).where('server', '=', server).where('image_id', 'like', `sha256:${id}%`).execute();
  });
}

export async function listBuildCacheImages(db: Db, server: string): Promise<BuildCacheImage[]> {
  const rows = await db.selectFrom('build_cache_images').select(['image_id', 'used_at']).where('server', '=', server).execute();
  return rows.map((r) => ({ imageId: r.image_id, usedAt: r.used_at }));
}

export async function forgetBuildCacheImages(db: Db, server: string, imageIds: string[]): Promise<void> {
  await db.transaction().execute(async (tx) => {
    for (const imageId of imageIds) await tx.deleteFrom('build_cache_images').where('server', '=', server).where('image_id', '=', imageId).execute();
  });
}
