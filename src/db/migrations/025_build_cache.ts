// The images Spur's builds made, per server, with when a build last used each: the build cache
// held under SPUR_BUILD_CACHE_MB (deploy/build-cache.ts). Spur removes no unnamed image that is
// not on this list.
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
