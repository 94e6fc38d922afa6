// The Engine API version Spur negotiates with the daemon here (Docker 20.10: API 1.41), and that
// every request it then makes names that version and is answered.
import { describe, expect, it } from 'vitest';
import { createDockerClient } from '../src/docker/client.js';
import { inspectEngine } from '../src/docker/daemon.js';
import { docker } from './harness.js';

describe('Docker API version against the daemon here', () => {
  it('speaks min(daemon newest, 1.52) on versioned paths, and Swarm answers them', async () => {
    const daemon = JSON.parse(await docker('version', '--format', '{{json .Server}}')) as { ApiVersion: string };
    const client = createDockerClient('/var/run/docker.sock');
    const state = await inspectEngine(client);
    const expected = Number(daemon.ApiVersion.split('.')[1]) > 52 ? '1.52' : daemon.ApiVersion;
    expect(state).toMatchObject({ reachable: true, swarm: true, apiVersion: daemon.ApiVersion, api: { supported: true, daemon: daemon.ApiVersion, using: expected, spur: '1.41 to 1.52' } });
    expect(state.problem).toBeUndefined();
    expect((client.modem as { version?: string }).version).toBe(`v${expected}`);
    // A versioned request the daemon serves: the node list Spur reads for placement.
    const nodes = await client.listNodes();
    expect(nodes.length).toBeGreaterThan(0);
  }, 30_000);
});
