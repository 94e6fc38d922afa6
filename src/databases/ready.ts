// Waiting for a database server to answer: its engine's health command, run in its container,
// exits 0. A server on a busy machine may take a while to initialise its data directory.
import type { DockerClient } from '../docker/client.js';
import { execIn } from '../docker/exec.js';
import { listTasks, restartService } from '../docker/swarm.js';
import type { Credentials } from '../store/databases.js';
import type { DatabaseEngine } from './engine.js';
import { DATABASE_LABEL, type DatabaseRef, databaseServiceName } from './service-spec.js';

export const READY_WITHIN_MS = 180_000;
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the server in this container answers; throws if it stops or takes too long. */
export async function waitReady(docker: DockerClient, containerId: string, engine: DatabaseEngine, c: Credentials, deadline = Date.now() + READY_WITHIN_MS): Promise<void> {
  const [, ...health] = engine.health(c);
  for (;;) {
    const state = (await docker.getContainer(containerId).inspect()).State;
    if (!state.Running) throw new Error(`the ${engine.name} server stopped (exit ${state.ExitCode})`);
    if ((await execIn(docker, containerId, health)).exitCode === 0) return;
    if (Date.now() > deadline) throw new Error(`the ${engine.name} server was not ready within ${READY_WITHIN_MS / 1000} s`);
    await pause(1000);
  }
}

/** The container of the database's running task, if it has one. */
export async function runningContainer(docker: DockerClient, r: DatabaseRef): Promise<string | undefined> {
  return (await listTasks(docker, databaseServiceName(r))).find((t) => t.state === 'running' && t.containerId)?.containerId;
}

/** Replaces the database's task with a new one on the same volume and waits for that one's server
 *  to answer — not the old one's, which runs until Swarm has stopped it. */
export async function restartAndWait(docker: DockerClient, r: DatabaseRef, engine: DatabaseEngine, c: Credentials): Promise<string> {
  const before = await runningContainer(docker, r);
  await restartService(docker, databaseServiceName(r));
  return waitForDatabase(docker, r, engine, c, before);
}

/** Waits for the database's service to run a task whose server answers (other than `replacing`);
 *  its container. */
export async function waitForDatabase(docker: DockerClient, r: DatabaseRef, engine: DatabaseEngine, c: Credentials, replacing?: string): Promise<string> {
  const deadline = Date.now() + READY_WITHIN_MS;
  for (;;) {
    const container = await runningContainer(docker, r);
    if (container && container !== replacing) {
      await waitReady(docker, container, engine, c, deadline);
      return container;
    }
    if (Date.now() > deadline) throw new Error(`database ${r.name} did not start within ${READY_WITHIN_MS / 1000} s`);
    await pause(1000);
  }
}

/** Waits until no container of the database is left (stopped and removed by Swarm). */
export async function waitContainersGone(docker: DockerClient, r: DatabaseRef, withinMs = 90_000): Promise<void> {
  const deadline = Date.now() + withinMs;
  const labels = [`${DATABASE_LABEL}=${r.name}`, `spur.project=${r.project}`, `spur.environment=${r.environment}`];
  while ((await docker.listContainers({ all: true, filters: { label: labels } })).length > 0) {
    if (Date.now() > deadline) throw new Error(`the container of database ${r.name} did not stop within ${withinMs / 1000} s`);
    await pause(500);
  }
}
