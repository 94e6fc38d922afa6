// Makes every dockerode client Spur uses, and settles which Engine API version each speaks.
// DOCKER_HOST is honoured by docker-modem when no socket is given.
import Docker from 'dockerode';
import { type ApiChoice, type DaemonApi, chooseApiVersion } from './api-version.js';

export type DockerClient = Docker;

/** Each client's twin without a version prefix: the only way to ask a daemon which versions it
 *  speaks without already naming one (Docker 29 refuses a path naming one it dropped). */
const unversioned = new WeakMap<DockerClient, DockerClient>();

/** The one place a dockerode client is made (local socket, DOCKER_HOST, or a server over SSH).
 *  Its requests are unversioned until negotiateApiVersion has run. */
export function dockerClient(options: Docker.DockerOptions = {}): DockerClient {
  const { version: _ignored, ...rest } = options;
  const client = new Docker(rest);
  unversioned.set(client, new Docker(rest));
  return client;
}

export function createDockerClient(socketPath?: string): DockerClient {
  return dockerClient(socketPath ? { socketPath, timeout: 0 } : {});
}

export type ApiNegotiation = ApiChoice & { daemon: DaemonApi; engineVersion?: string };

/** Asks the daemon (GET /version, unversioned) which API versions it speaks and makes the client
 *  speak min(daemon's newest, Spur's newest) on every later request. When that is outside what
 *  Spur supports the client is left as it was and the problem returned. Throws when the daemon
 *  does not answer. */
export async function negotiateApiVersion(docker: DockerClient): Promise<ApiNegotiation> {
  const asker = unversioned.get(docker);
  if (!asker) throw new Error('this Docker client was not made by dockerClient(); its API version cannot be negotiated');
  const v = (await asker.version()) as { Version?: string; ApiVersion: string; MinAPIVersion?: string };
  const daemon: DaemonApi = { apiVersion: v.ApiVersion, minApiVersion: v.MinAPIVersion };
  const choice = chooseApiVersion(daemon);
  if (choice.supported) (docker.modem as { version?: string }).version = `v${choice.version}`;
  return { ...choice, daemon, engineVersion: v.Version };
}

/** The Engine API version the client speaks since negotiateApiVersion; undefined before. */
export function spokenApiVersion(docker: DockerClient): string | undefined {
  return (docker.modem as { version?: string }).version?.replace(/^v/, '');
}

/** dockerode reports HTTP errors with a statusCode; 404 means "missing", everything else propagates. */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}

/** Swarm refused an update made on a version another writer has changed since it was read. */
export function isOutOfSequence(err: unknown): boolean {
  return /update out of sequence/i.test(String((err as Error | undefined)?.message ?? err));
}
