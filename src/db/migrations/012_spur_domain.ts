// Spur's own domain is a row of `domains` with no service: its certificate is ordered, renewed and
// shown like any other. SQLite cannot drop NOT NULL, so the table is rebuilt (foreign keys off, so
// `certificates` keeps its rows).
import { type Kysely, sql } from 'kysely';

const COLUMNS = sql.raw('id, service_id, environment_id, hostname, created_at, https, tls_status, tls_error, tls_failures, tls_retry_at, hsts, redirect_to');

async function rebuild(db: Kysely<any>, serviceColumns: string, check = ''): Promise<void> {
  await sql`PRAGMA foreign_keys = OFF`.execute(db);
  await sql.raw(`CREATE TABLE domains_new (
    id integer PRIMARY KEY AUTOINCREMENT,
    ${serviceColumns},
    hostname text NOT NULL UNIQUE,
    created_at text NOT NULL,
    https integer NOT NULL DEFAULT 1,
    tls_status text NOT NULL DEFAULT 'pending',
    tls_error text,
    tls_failures integer NOT NULL DEFAULT 0,
    tls_retry_at text,
    hsts integer NOT NULL DEFAULT 0,
    redirect_to text,
    CONSTRAINT domains_instance FOREIGN KEY (service_id, environment_id) REFERENCES service_instances (service_id, environment_id) ON DELETE CASCADE${check}
  )`).execute(db);
  await sql`INSERT INTO domains_new (${COLUMNS}) SELECT ${COLUMNS} FROM domains`.execute(db);
  await sql`DROP TABLE domains`.execute(db);
  await sql`ALTER TABLE domains_new RENAME TO domains`.execute(db);
  await sql`CREATE INDEX domains_instance ON domains (service_id, environment_id)`.execute(db);
  await sql`PRAGMA foreign_keys = ON`.execute(db);
}

export async function up(db: Kysely<any>): Promise<void> {
  // Both set (a service's domain) or both null (Spur's own).
  await rebuild(db, 'service_id integer, environment_id integer', ',\n    CHECK ((service_id IS NULL) = (environment_id IS NULL))');
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`DELETE FROM domains WHERE service_id IS NULL`.execute(db);
  await rebuild(db, 'service_id integer NOT NULL, environment_id integer NOT NULL');
}
