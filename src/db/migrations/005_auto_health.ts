// Health checks default to `auto`: the image's HEALTHCHECK when it has one, else TCP. Instances
// still on the old default (TCP) move to it; an explicit HTTP, image or none setting stays.
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.updateTable('service_instances').set({ health_type: 'auto' }).where('health_type', '=', 'tcp').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.updateTable('service_instances').set({ health_type: 'tcp' }).where('health_type', '=', 'auto').execute();
}
