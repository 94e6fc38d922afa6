// Runs one group deployment of a Compose app: its services in waves (each after the services it
// depends on), each wave's changed services deployed (or rolled back) at once through the
// deployer, every one watched to its end. When one fails, the services this group already moved
// go back to what served before it, so the app is never left half on the new version.
import type { ComposeDeployment, Deployment } from '../db/schema.js';
import type { Db } from '../db/open.js';
import type { Log } from '../log.js';
import type { Requester } from '../store/deployments.js';
import { getDeployment } from '../store/deployments.js';
import { finishComposeDeployment, setMemberDeployment } from '../store/compose.js';
import type { Deployer } from './deployer.js';

export interface GroupMemberStep {
  serviceId: number;
  name: string;
  /** `deploy`: a new deployment; a number: roll back to that deployment; `keep`: it serves as it is. */
  action: 'deploy' | number | 'keep';
  /** What served before this group (null: nothing yet). */
  before: number | null;
}

export interface GroupRunDeps {
  db: Db;
  log: Log;
  deployer: Pick<Deployer, 'request' | 'rollback'>;
  /** How often a member's deployment is looked at while it runs. */
  pollMs?: number;
}

const ENDED = new Set(['active', 'failed', 'cancelled', 'superseded']);

export async function runComposeGroup(deps: GroupRunDeps, group: ComposeDeployment, waves: GroupMemberStep[][], by: Requester): Promise<void> {
  const moved: GroupMemberStep[] = [];
  try {
    for (const wave of waves) {
      // Every member of the wave is asked at once; one refused does not lose the others, which
      // are watched to their end and sent back with the rest.
      const asked = await Promise.allSettled(
        wave
          .filter((m) => m.action !== 'keep')
          .map(async (m) => {
            const scope = { serviceId: m.serviceId, environmentId: group.environment_id };
            const d = typeof m.action === 'number' ? await deps.deployer.rollback(scope, by, m.action) : await deps.deployer.request({ ...scope, ...by });
            moved.push(m);
            await setMemberDeployment(deps.db, group.id, m.serviceId, d.id);
            return { member: m, deployment: d };
          }),
      );
      const started = asked.flatMap((a) => (a.status === 'fulfilled' ? [a.value] : []));
      const refused = asked.flatMap((a) => (a.status === 'rejected' ? [String((a.reason as Error)?.message ?? a.reason)] : []));
      if (refused.length) {
        await Promise.all(started.map((s) => waitForEnd(deps, s.deployment.id)));
        const back = await returnToBefore(deps, group, moved, by);
        await finishComposeDeployment(deps.db, group, 'failed', `${refused.join('; ')}${back}`);
        return;
      }
      const ended = await Promise.all(started.map(async (s) => ({ ...s, deployment: await waitForEnd(deps, s.deployment.id) })));
      const failed = ended.filter((e) => e.deployment.status !== 'active');
      if (failed.length) {
        const why = failed.map((f) => `${f.member.name}: deployment #${f.deployment.id} ${f.deployment.status}${f.deployment.failure_reason ? ` (${f.deployment.failure_reason})` : ''}`).join('; ');
        const back = await returnToBefore(deps, group, moved.filter((m) => !failed.some((f) => f.member === m)), by);
        await finishComposeDeployment(deps.db, group, 'failed', `${why}${back}`);
        return;
      }
    }
    await finishComposeDeployment(deps.db, group, 'active');
  } catch (err) {
    deps.log.error('compose group deployment failed', { group: group.id, error: String(err) });
    const back = await returnToBefore(deps, group, moved, by).catch(() => '');
    await finishComposeDeployment(deps.db, group, 'failed', `${(err as Error).message}${back}`);
  }
}

/** Rolls the members this group moved back to what served before it; says what it did. */
async function returnToBefore(deps: GroupRunDeps, group: ComposeDeployment, moved: GroupMemberStep[], by: Requester): Promise<string> {
  const back = moved.filter((m) => m.before !== null);
  if (!back.length) return '';
  const results = await Promise.all(
    back.map(async (m) => {
      try {
        const d = await deps.deployer.rollback({ serviceId: m.serviceId, environmentId: group.environment_id }, { ...by, trigger: `${by.trigger}, undone` }, m.before!);
        const end = await waitForEnd(deps, d.id);
        return end.status === 'active' ? `${m.name} back on #${m.before}` : `${m.name} could not go back (#${end.id} ${end.status})`;
      } catch (err) {
        return `${m.name} could not go back (${(err as Error).message})`;
      }
    }),
  );
  return `. Rolled back: ${results.join(', ')}`;
}

async function waitForEnd(deps: GroupRunDeps, id: number): Promise<Deployment> {
  for (;;) {
    const d = await getDeployment(deps.db, id);
    if (ENDED.has(d.status)) return d;
    await new Promise((r) => setTimeout(r, deps.pollMs ?? 500));
  }
}
