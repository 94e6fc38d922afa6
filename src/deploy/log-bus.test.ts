// The stored log of a deployment stays bounded (head, marker, tail), in order, while live
// followers see every line. Real SQLite (in memory).
import { describe, expect, it } from 'vitest';
import { openDatabase } from '../db/open.js';
import { readDeploymentLog } from '../store/deployments.js';
import { DeploymentLogBus, clipLine } from './log-bus.js';

async function deploymentRow() {
  const db = await openDatabase(':memory:');
  const now = new Date().toISOString();
  const p = await db.insertInto('projects').values({ name: 'p', created_at: now }).returning('id').executeTakeFirstOrThrow();
  const e = await db.insertInto('environments').values({ project_id: p.id, name: 'production', created_at: now }).returning('id').executeTakeFirstOrThrow();
  const s = await db.insertInto('services').values({ project_id: p.id, name: 's', source_type: 'image', image: 'nginx', created_at: now }).returning('id').executeTakeFirstOrThrow();
  const d = await db.insertInto('deployments').values({ service_id: s.id, environment_id: e.id, status: 'building', trigger: 't', created_at: now }).returning('id').executeTakeFirstOrThrow();
  return { db, id: d.id };
}

describe('DeploymentLogBus limits', () => {
  it('keeps the first and last lines of a long log with one line saying how many were cut', async () => {
    const { db, id } = await deploymentRow();
    const bus = new DeploymentLogBus(db, { head: 10, tail: 20, batch: 5, lineChars: 100 });
    const live: string[] = [];
    const following = bus.follow(id, { afterId: 0, onEvent: (e) => e.type === 'line' && live.push(e.line) });
    for (let i = 1; i <= 1000; i++) void bus.line(id, `line ${i}`);
    await bus.line(id, 'line 1001');
    await bus.status(id, 'failed', 'x');
    await following;
    expect(live).toHaveLength(1001);

    const stored = (await readDeploymentLog(db, id)).map((r) => r.line);
    expect(stored).toHaveLength(10 + 1 + 20);
    expect(stored.slice(0, 10)).toEqual(Array.from({ length: 10 }, (_, i) => `line ${i + 1}`));
    expect(stored[10]).toBe("… 971 lines cut here: Spur keeps the first 10 and the last 20 lines of a deployment's log …");
    expect(stored.slice(11)).toEqual(Array.from({ length: 20 }, (_, i) => `line ${982 + i}`));
  });

  it('stores a short log whole', async () => {
    const { db, id } = await deploymentRow();
    const bus = new DeploymentLogBus(db, { head: 10, tail: 20, batch: 5, lineChars: 100 });
    for (let i = 1; i <= 35; i++) await bus.line(id, `line ${i}`);
    expect(await readDeploymentLog(db, id)).toHaveLength(35);
  });

  it('clips very long lines and says by how much', () => {
    expect(clipLine('x'.repeat(150), 100)).toBe(`${'x'.repeat(100)} … (50 more characters cut)`);
    expect(clipLine('short', 100)).toBe('short');
  });
});
