// A server's Docker over SSH negotiates its API version as the local one does: the SSH channel is
// stood in for by a connection to a fake daemon's socket.
import { connect } from 'node:net';
import type { Client } from 'ssh2';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeDaemon, fakeDaemon } from '../../test/fake-daemon.js';
import { REMOTE_DOCKER_SOCKET, RemoteDockerUnsupported, remoteDocker } from './remote-docker.js';

const daemons: FakeDaemon[] = [];
afterEach(async () => {
  for (const d of daemons.splice(0)) await d.remove();
});

/** An SSH client whose forwarded stream to the server's Docker socket reaches `daemon`. */
function sshTo(daemon: FakeDaemon, asked: string[]): Client {
  return {
    openssh_forwardOutStreamLocal(path: string, cb: (err: Error | undefined, stream: unknown) => void) {
      asked.push(path);
      const socket = connect(daemon.socketPath);
      socket.once('connect', () => cb(undefined, socket));
    },
  } as unknown as Client;
}

describe("a server's Docker over SSH", () => {
  it('is spoken to at the newest API both support, on every request (Docker 29)', async () => {
    const daemon = await fakeDaemon({ engine: '29.0.0', max: '1.52', min: '1.44' });
    daemons.push(daemon);
    const asked: string[] = [];
    const docker = await remoteDocker(sshTo(daemon, asked));
    await docker.info();
    expect(daemon.paths).toEqual(['/version', '/v1.52/info']);
    expect(new Set(asked)).toEqual(new Set([REMOTE_DOCKER_SOCKET]));
  });

  it('is refused, saying why, when its API is older than Spur supports', async () => {
    const daemon = await fakeDaemon({ engine: '19.03.15', max: '1.40', min: '1.12' });
    daemons.push(daemon);
    const connecting = remoteDocker(sshTo(daemon, []));
    await expect(connecting).rejects.toThrow(RemoteDockerUnsupported);
    await expect(connecting).rejects.toThrow("the server's Docker's Engine API 1.40 is outside what Spur supports (1.41 to 1.52): upgrade Docker to 20.10 or newer");
    expect(daemon.paths).toEqual(['/version']);
  });
});
