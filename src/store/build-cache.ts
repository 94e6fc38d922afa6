// The images Spur's builds made or reused on each server (see migration 025).
import type { Db } from '../db/open.js';
import { nowIso } from './time.js';

export interface BuildCacheImage {
  imageId: string;
  usedAt: string;
}

/** Marks the images a build made or reused as used now. */
export async function recordBuildCacheImages(db: Db, server: string, imageIds: string[]): Promise<void> {
  if (!imageIds.length) return;
  const usedAt = nowIso();
  await db.transaction().execute(async (tx) => {
    for (const imageId of new Set(imageIds)) {
      await tx.insertInto('build_cache_images').values({ server, image_id: imageId, used_at: usedAt }).onConflict((oc) => oc.columns(['server', 'image_id']).doUpdateSet({ used_at: usedAt })).execute();
    }
  });
}

export async function listBuildCacheImages(db: Db, server: string): Promise<BuildCacheImage[]> {
  const rows = await db.selectFrom('build_cache_images').select(['image_id', 'used_at']).where('server', '=', server).execute();
  return rows.map((r) => ({ imageId: r.image_id, usedAt: r.used_at }));
}

export async function forgetBuildCacheImages(db: Db, server: string, imageIds: string[]): Promise<void> {
  if (!imageIds.length) return;
  await db.deleteFrom('build_cache_images').where('server', '=', server).where('image_id', 'in', imageIds).execute();
}
