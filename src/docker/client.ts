// Makes the dockerode client; DOCKER_HOST is honoured by docker-modem when no socket is given.
import Docker from 'dockerode';

export type DockerClient = Docker;

export function createDockerClient(socketPath?: string): DockerClient {
  return socketPath ? new Docker({ socketPath, timeout: 0 }) : new Docker();
}

/** dockerode reports HTTP errors with a statusCode; 404 means "missing", everything else propagates. */
export function isNotFound(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { statusCode?: number }).statusCode === 404;
}
