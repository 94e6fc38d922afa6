// Every hostname unique across the installation: each instance keeps the first label of its
// generated domain (assigned once, unique), and a custom domain belongs to one instance only.
import { type Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('service_instances').addColumn('domain_label', 'text').execute();
  const rows = await sql<{ service_id: number; environment_id: number; service: string; project: string; environment: string; custom_domain: string | null }>`
    SELECT i.service_id, i.environment_id, s.name AS service, p.name AS project, e.name AS environment, i.custom_domain
    FROM service_instances i JOIN services s ON s.id = i.service_id JOIN projects p ON p.id = s.project_id JOIN environments e ON e.id = i.environment_id
    ORDER BY i.service_id, i.environment_id`.execute(db);
  const labels = new Set<string>();
  const domains = new Set<string>();
  for (const r of rows.rows) {
    const wanted = `${r.service}-${r.project}${r.environment === 'production' ? '' : `-${r.environment}`}`;
    let label = wanted;
    for (let n = 2; labels.has(label); n++) label = `${wanted}-${n}`;
    labels.add(label);
    // An earlier release let a second instance take a domain already in use: the first keeps it.
    const custom = r.custom_domain && !domains.has(r.custom_domain) ? r.custom_domain : null;
    if (custom) domains.add(custom);
    await db
      .updateTable('service_instances')
      .set({ domain_label: label, custom_domain: custom })
      .where('service_id', '=', r.service_id)
      .where('environment_id', '=', r.environment_id)
      .execute();
  }
  await db.schema.createIndex('service_instances_domain_label').unique().on('service_instances').column('domain_label').execute();
  await db.schema.createIndex('service_instances_custom_domain').unique().on('service_instances').column('custom_domain').where(sql.ref('custom_domain'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('service_instances_custom_domain').execute();
  await db.schema.dropIndex('service_instances_domain_label').execute();
  await db.schema.alterTable('service_instances').dropColumn('domain_label').execute();
}
