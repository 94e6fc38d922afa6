// Looks at the services under rollout, shared: each tick is two Engine API calls however many
// rollouts wait on it. (One rollout looking on its own every 150 ms is cheap; a hundred deployed
// at once made over a thousand calls a second.)
import { type DockerClient, isNotFound } from './client.js';
import { type ServiceInfo, type TaskView, findService, listTasks, tasksOf } from './swarm.js';

export interface ServiceLook {
  /** Undefined when Docker has no such service. */
  service?: ServiceInfo;
  tasks: TaskView[];
}

interface Waiter {
  resolve: (look: ServiceLook) => void;
  reject: (err: unknown) => void;
}

export class SwarmLooks {
  private waiting = new Map<string, Waiter[]>();
  private timer?: NodeJS.Timeout;

  constructor(private readonly docker: DockerClient, private readonly everyMs: number) {}

  /** The service and its tasks as Docker has them at the next tick. */
  next(name: string): Promise<ServiceLook> {
    return new Promise((resolve, reject) => {
      this.waiting.set(name, [...(this.waiting.get(name) ?? []), { resolve, reject }]);
      this.timer ??= setTimeout(() => void this.tick(), this.everyMs);
    });
  }

  private async tick(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.timer = undefined;
    try {
      const looks = await lookAt(this.docker, [...batch.keys()]);
      for (const [name, waiters] of batch) waiters.forEach((w) => w.resolve(looks.get(name)!));
    } catch (err) {
      for (const waiters of batch.values()) waiters.forEach((w) => w.reject(err));
    }
  }
}

const looksByClient = new WeakMap<DockerClient, SwarmLooks>();

/** The one SwarmLooks of a Docker client. */
export function swarmLooks(docker: DockerClient, everyMs: number): SwarmLooks {
  let looks = looksByClient.get(docker);
  if (!looks) looksByClient.set(docker, (looks = new SwarmLooks(docker, everyMs)));
  return looks;
}

/** Services by name and their tasks in two calls; when one went away between them, each alone. */
async function lookAt(docker: DockerClient, names: string[]): Promise<Map<string, ServiceLook>> {
  const listed = (await docker.listServices({ filters: { name: names } })) as unknown as ServiceInfo[];
  // Docker's name filter matches prefixes.
  const byName = new Map(listed.filter((s) => names.includes(s.Spec.Name)).map((s) => [s.Spec.Name, s]));
  let tasks: any[] = [];
  if (byName.size) {
    try {
      tasks = (await docker.listTasks({ filters: { service: [...byName.values()].map((s) => s.ID) } })) as any[];
    } catch (err) {
      if (!isNotFound(err)) throw err;
      return new Map(await Promise.all(names.map(async (n) => [n, { service: await findService(docker, n), tasks: await listTasks(docker, n) }] as const)));
    }
  }
  return new Map(names.map((n) => {
    const service = byName.get(n);
    return [n, { service, tasks: service ? tasksOf(tasks.filter((t) => t.ServiceID === service.ID)) : [] }];
  }));
}
