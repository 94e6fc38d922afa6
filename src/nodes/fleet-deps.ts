import type { DockerClient } from '../docker/client.js';
import type { Db } from '../db/open.js';
import type { Log } from '../log.js';
import type { NodeConnections } from './connections.js';

/** What enrolling, draining, removing and shipping images to servers need. */
export interface FleetDeps {
  db: Db;
  key: Buffer;
  /** The manager's own Docker (this server). */
  docker: DockerClient;
  log: Log;
  /** Host path of the health probe tasks mount; the same path on every server. */
  probePath: string;
  installId: string;
  /** Where an image waits, on disk, while the layers a server already has are left out. */
  spoolDir: string;
  connections: NodeConnections;
}
