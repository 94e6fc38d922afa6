// A server's Docker Engine API reached through Spur's SSH connection to it: each HTTP connection
// is a stream to the server's /var/run/docker.sock forwarded over SSH (OpenSSH's streamlocal),
// so no Docker port is ever opened and no `docker` command line is built.
import { Agent } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Client } from 'ssh2';
import { type DockerClient, dockerClient, negotiateApiVersion } from '../docker/client.js';

/** The server's Docker answers, but only at Engine API versions Spur does not speak. */
export class RemoteDockerUnsupported extends Error {}

export const REMOTE_DOCKER_SOCKET = '/var/run/docker.sock';

class ForwardedSocketAgent extends Agent {
  constructor(private readonly client: Client) {
    super({ keepAlive: false });
  }

  override createConnection(_options: unknown, callback: (err: Error | null, socket?: Duplex) => void): undefined {
    this.client.openssh_forwardOutStreamLocal(REMOTE_DOCKER_SOCKET, (err, stream) => {
      if (err) return callback(new Error(`the server's Docker socket ${REMOTE_DOCKER_SOCKET} cannot be reached over SSH: ${err.message}`));
      // http asks the socket for these; an SSH channel has nothing to tune.
      const socket = stream as unknown as Duplex & Record<string, unknown>;
      socket.setTimeout ??= () => socket;
      socket.setNoDelay ??= () => socket;
      socket.setKeepAlive ??= () => socket;
      socket.ref ??= () => socket;
      socket.unref ??= () => socket;
      callback(null, socket);
    });
    return undefined;
  }
}

/** A dockerode client for the server behind an authenticated SSH connection, speaking the
 *  newest Engine API version both sides support. Throws when its Docker does not answer, or
 *  speaks only versions outside what Spur supports. */
export async function remoteDocker(client: Client): Promise<DockerClient> {
  const docker = dockerClient({ protocol: 'http', host: 'docker', port: 80, agent: new ForwardedSocketAgent(client), timeout: 0 } as Parameters<typeof dockerClient>[0]);
  const api = await negotiateApiVersion(docker);
  if (!api.supported) throw new RemoteDockerUnsupported(`the server's ${api.problem}`);
  return docker;
}
