// What the dashboard, project and service pages show, read the same way for the first render and
// for their live updates.
import type { Deps } from '../deps.js';
import type { User } from '../db/schema.js';
import { swarmServiceName } from '../docker/names.js';
import { countRunningTasksOfProject } from '../docker/swarm.js';
import { getProjectFor, listProjectsFor } from '../store/access.js';
import { hasPendingChanges, listDeployments } from '../store/deployments.js';
import { listEnvironments } from '../store/projects.js';
import { type InstanceContext, getInstanceContext, listServices } from '../store/services.js';
import type { ProjectSummary } from '../../views/components/project-list.js';
import type { ServiceCard } from '../../views/components/service-cards.js';
import type { ServicePageProps, ServiceTab } from '../../views/pages/service/common.js';
import * as ops from './operations.js';

type Actor = Pick<User, 'id' | 'role' | 'email'>;

/** The user's projects, each with how many services are in each state (production). */
export async function projectSummaries(deps: Deps, user: Actor): Promise<ProjectSummary[]> {
  return Promise.all(
    (await listProjectsFor(deps.db, user)).map(async (p) => {
      const environments = await listEnvironments(deps.db, p.id);
      const production = environments.find((e) => e.name === 'production') ?? environments[0];
      const states: Record<string, number> = {};
      const services = await listServices(deps.db, p.id);
      for (const svc of services) {
        const [latest] = production ? await listDeployments(deps.db, { serviceId: svc.id, environmentId: production.id }, 1) : [];
        const state = latest?.status ?? 'none';
        states[state] = (states[state] ?? 0) + 1;
      }
      return { name: p.name, environments: environments.map((e) => e.name), services: services.length, states };
    }),
  );
}

/** A project's services in one environment, as cards; Docker is asked once for all of them. */
export async function serviceCards(deps: Deps, user: Actor, projectName: string, environmentName: string): Promise<ServiceCard[]> {
  const project = await getProjectFor(deps.db, user, projectName);
  const environment = (await listEnvironments(deps.db, project.id)).find((e) => e.name === environmentName);
  if (!environment) return [];
  const counts = deps.engine.ready ? await countRunningTasksOfProject(deps.docker, project.name).catch(() => null) : null;
  return Promise.all(
    (await listServices(deps.db, project.id)).map(async (svc) => {
      const ctx = await getInstanceContext(deps.db, { serviceId: svc.id, environmentId: environment.id });
      const name = swarmServiceName({ project: project.name, service: svc.name, environment: environment.name });
      const status = await ops.instanceStatus(deps, ctx, { running: counts ? (counts.get(name) ?? 0) : null });
      const shown = status.activeDeployment ?? status.deployment;
      return {
        name: svc.name,
        source: svc.source_type === 'git' ? 'git' : svc.source_type === 'push' ? 'git push' : (svc.image ?? ''),
        status: shown?.status ?? null,
        latest: status.deployment && status.deployment.id !== status.activeDeployment?.id ? { id: status.deployment.id, status: status.deployment.status } : null,
        serving: status.activeDeployment?.id ?? null,
        url: status.publicUrls[0] ?? null,
        running: status.running,
        replicas: status.replicas,
        lastDeployAt: status.deployment?.createdAt ?? null,
      };
    }),
  );
}

/** Everything the service page shows, for any tab. */
export async function servicePageData(deps: Deps, user: Actor, ctx: InstanceContext, tab: ServiceTab): Promise<Omit<ServicePageProps, 'frame'>> {
  const scope = { serviceId: ctx.service.id, environmentId: ctx.environment.id };
  return {
    tab,
    git: ctx.service.source_type === 'image' ? undefined : ops.gitAccess(deps, ctx),
    status: await ops.instanceStatus(deps, ctx),
    environments: (await listEnvironments(deps.db, ctx.project.id)).map((e) => e.name),
    variableNames: await ops.variableNames(deps, ctx),
    deployments: (await ops.deploymentsOf(deps, ctx)).map(ops.toDeploymentView),
    customDomain: ctx.instance.custom_domain,
    pendingChanges: await hasPendingChanges(deps.db, scope, ctx.instance.changed_at),
    canReveal: user.role === 'owner',
  };
}
