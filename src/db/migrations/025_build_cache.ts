// The images Spur's builds made or reused, per server, with when a build last used each: the
// build cache held under SPUR_BUILD_CACHE_MB (deploy/cache-budget.ts). Images of other builds on
// the same Docker are never on this list, so never pruned by Spur.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('build_cache_images')
    .addColumn('server', 'text', (c) => c.notNull())
    .addColumn('image_id', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('build_cache_images_pk', ['server', 'image_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('build_cache_images').execute();
}
