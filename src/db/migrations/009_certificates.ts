// HTTPS per custom domain: its options and certificate state, and the certificates Spur obtained
// (the private key sealed). Existing domains start `pending`: Spur orders their certificates.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('domains').addColumn('https', 'integer', (c) => c.notNull().defaultTo(1)).execute();
  await db.schema.alterTable('domains').addColumn('tls_status', 'text', (c) => c.notNull().defaultTo('pending')).execute();
  await db.schema.alterTable('domains').addColumn('tls_error', 'text').execute();
  await db.schema.alterTable('domains').addColumn('tls_failures', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable('domains').addColumn('tls_retry_at', 'text').execute();
  await db.schema
    .createTable('certificates')
    .addColumn('domain_id', 'integer', (c) => c.primaryKey().references('domains.id').onDelete('cascade'))
    .addColumn('cert_pem', 'text', (c) => c.notNull())
    .addColumn('key_sealed', 'text', (c) => c.notNull())
    .addColumn('not_after', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('certificates').execute();
  for (const column of ['tls_retry_at', 'tls_failures', 'tls_error', 'tls_status', 'https']) await db.schema.alterTable('domains').dropColumn(column).execute();
}
