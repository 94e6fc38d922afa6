// One SSH connection per enrolled server, opened when first needed and kept while it lives; each
// checks the host key pinned at enrollment.
import type Docker from 'dockerode';
import type { Client } from 'ssh2';
import type { Db } from '../db/open.js';
import type { NodeRecord } from '../db/schema.js';
import { nodeKey } from '../store/nodes.js';
import { remoteDocker } from './remote-docker.js';
import { connectNode } from './ssh.js';

export interface NodeConnection {
  client: Client;
  /** The server's own Docker Engine API, over this connection. */
  docker: Docker;
}

/** An enrolled server by name, with its Docker reached over SSH. */
export interface ServerDocker {
  name: string;
  docker: Docker;
}

export class NodeConnections {
  private readonly open = new Map<number, Promise<NodeConnection>>();

  constructor(private readonly deps: { db: Db; key: Buffer }) {}

  get(node: Pick<NodeRecord, 'id' | 'host' | 'port' | 'user' | 'host_key_fingerprint'>): Promise<NodeConnection> {
    const existing = this.open.get(node.id);
    if (existing) return existing;
    const forget = () => {
      if (this.open.get(node.id) === connection) this.open.delete(node.id);
    };
    const connection = nodeKey(this.deps.db, this.deps.key)
      .then(({ privateKey }) => connectNode(node, { privateKey, pinned: node.host_key_fingerprint }))
      .then(async ({ client }) => {
        client.on('close', forget).on('error', forget);
        try {
          return { client, docker: await remoteDocker(client) };
        } catch (err) {
          client.end();
          throw err;
        }
      });
    connection.catch(forget);
    this.open.set(node.id, connection);
    return connection;
  }

  close(id: number): void {
    const connection = this.open.get(id);
    this.open.delete(id);
    void connection?.then((c) => c.client.end()).catch(() => {});
  }

  closeAll(): void {
    for (const id of [...this.open.keys()]) this.close(id);
  }
}
