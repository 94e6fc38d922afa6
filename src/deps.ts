// What the composition root hands to the HTTP app, the jobs and the CLI's server-side commands.
import type { VolumeBackups } from './volumes/backup-runs.js';
import type { Config } from './config.js';
import type { CertificateIssuer } from './tls/issuer.js';
import type { DnsChecks } from './routing/dns-check.js';
import type { Db } from './db/open.js';
import type { DatabaseBackups } from './databases/backup-runs.js';
import type { CronJobs } from './deploy/cron-jobs.js';
import type { Deployer } from './deploy/deployer.js';
import type { DaemonMonitor } from './deploy/daemon-monitor.js';
import type { DeploymentLogBus } from './deploy/log-bus.js';
import type { DockerClient } from './docker/client.js';
import type { RunningTasks } from './docker/running-tasks.js';
import type { SharedListing } from './docker/shared-listing.js';
import type { MetricsSampler } from './metrics/sampler.js';
import type { StreamSlots } from './stream-slots.js';
import type { Log } from './log.js';
import type { NodeFleet } from './nodes/fleet.js';
import type { TrustedProxies } from './routing/trusted-proxies.js';
import type { UpdateChecker } from './update/checker.js';

export interface Deps {
  config: Readonly<Config>;
  db: Db;
  docker: DockerClient;
  log: Log;
  /** Encryption key for values at rest. */
  key: Buffer;
  /** Program git runs to ask for an HTTPS token (the Spur bundle, in askpass mode). */
  askpassPath: string;
  /** This installation's id: it labels the Swarm services Spur makes (databases too). */
  installId: string;
  daemon: Pick<DaemonMonitor, 'state' | 'ready'>;
  deployer: Pick<Deployer, 'request' | 'rollback' | 'promote' | 'redeploy' | 'cancel' | 'preview' | 'steer'>;
  logBus: DeploymentLogBus;
  /** Runtime-log streams open per user. */
  streamSlots: StreamSlots;
  /** Running tasks of all services, one shared listing (pages showing many services). */
  runningTasks: Pick<RunningTasks, 'counts' | 'summary'>;
  /** The Swarm's nodes as Docker lists them, one listing shared for a few seconds (the dashboard's warnings). */
  swarmNodes: Pick<SharedListing<unknown[]>, 'get'>;
  /** What this server's tasks use, sampled every few seconds (the minute in progress; the store has the rest). */
  metrics: Pick<MetricsSampler, 'current'>;
  /** Live page streams (status updates) open per user. */
  liveSlots: StreamSlots;
  /** A newer release, when one is known, and starting the update to it. */
  updates: Pick<UpdateChecker, 'available' | 'launch'>;
  /** Whether a domain's DNS points at this server. */
  dns: Pick<DnsChecks, 'check'>;
  /** Places the certificate orders that are due (a domain was added). */
  certificates: Pick<CertificateIssuer, 'run'>;
  /** Database backups: taken now or on their schedules, copied, verified and pruned. */
  databaseBackups: Pick<DatabaseBackups, 'backUpNow' | 'prune' | 'refreshSchedules' | 'nextRun' | 'settled'>;
  volumeBackups: Pick<VolumeBackups, 'target' | 'backUpNow' | 'prune' | 'refreshSchedules' | 'nextRun' | 'settled'>;
  /** Services' scheduled jobs: their schedules and their runs. */
  cronJobs: Pick<CronJobs, 'refresh' | 'runNow' | 'nextRun' | 'stopRunsOf'>;
  /** The other servers of the Swarm: enrolled over SSH, drained, removed. */
  servers: Pick<NodeFleet, 'publicKey' | 'add' | 'find' | 'drain' | 'activate' | 'remove' | 'settled' | 'disk' | 'setBuildServer'>;
  /** The peers whose X-Forwarded-For is believed: Spur's own Traefik. */
  proxies: Pick<TrustedProxies, 'has' | 'refreshFor'>;
  /** Set until the owner is created; cleared when the setup page is claimed. */
  setup: { token?: string; claim: () => void };
}
