// `spur serve`: composes the long-running process — database, Docker, deployer, HTTP — and
// shuts it down cleanly on SIGTERM.
import { EventDeliverer } from './events/deliverer.js';
import { endInterruptedComposeDeployments } from './actions/compose.js';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pidFile } from './install/installed-service.js';
import { serve } from '@hono/node-server';
import { type Config, loadConfig, primaryAddress } from './config.js';
import { gatewayAddress, gatewayBridgeAddresses } from './docker/daemon.js';
import type { DockerClient } from './docker/client.js';
import { applyEnvironmentSettings } from './actions/settings.js';
import { openDatabase } from './db/open.js';
import type { Deps } from './deps.js';
import { Deployer } from './deploy/deployer.js';
import { NodeConnections } from './nodes/connections.js';
import { NodeFleet } from './nodes/fleet.js';
import { localDisk } from './nodes/disk.js';
import { traefikMetricsReader } from './routing/traefik-metrics.js';
import { BuildSlots } from './builds/build-slots.js';
import { DaemonMonitor } from './deploy/daemon-monitor.js';
import { DeploymentLogBus } from './deploy/log-bus.js';
import { createDockerClient } from './docker/client.js';
import { createApp } from './http/app.js';
import { scheduleJobs } from './jobs/schedule.js';
import { CronJobs } from './deploy/cron-jobs.js';
import { removeExpiredPreviews } from './actions/previews.js';
import { scheduleAlerts } from './jobs/alerts.js';
import { installHook } from './git/repos.js';
import { installAsset, selfCommand, shippedAddon } from './executable.js';
import { UpdateChecker } from './update/checker.js';
import { ChallengeTokens, startChallengeServer } from './tls/challenges.js';
import { CertificateIssuer } from './tls/issuer.js';
import { VolumeBackups } from './volumes/backup-runs.js';
import { reportPreviewStatuses } from './actions/preview-status.js';
import { applyRouting } from './deploy/routing.js';
import { reconcileDatabases } from './databases/runner.js';
import { failInterruptedBackups } from './store/database-backups.js';
import { repairDeployKeys } from './store/services.js';
import { DatabaseBackups } from './databases/backup-runs.js';
import { DnsChecks } from './routing/dns-check.js';
import { PushSessions } from './ssh/push-sessions.js';
import { startPushReceiver } from './ssh/push-receiver.js';
import { GUARD_LIMITS } from './ssh/connection-guard.js';
import { loadOrCreateHostKey } from './ssh/host-key.js';
import { startSshServer } from './ssh/server.js';
import { RUNTIME_LOG_STREAMS_PER_USER } from './http/streams.js';
import { StreamSlots } from './stream-slots.js';
import { LIVE_STREAMS_PER_USER } from './http/live.js';
import { RunningTasks } from './docker/running-tasks.js';
import { SharedListing } from './docker/shared-listing.js';
import { MetricsSampler } from './metrics/sampler.js';
import { type Log, consoleLog } from './log.js';
import { TRAEFIK_SERVICE, traefikDir, traefikServiceSpec } from './routing/traefik-service.js';
import { TrustedProxies } from './routing/trusted-proxies.js';
import { ensureTraefik } from './routing/ensure-traefik.js';
import { SHIPPED_TRAEFIK_IMAGE } from './routing/traefik-image.js';
import { loadOrCreateKey, randomToken } from './secrets.js';
import { setupToken } from './setup-token.js';
import { countUsers } from './store/users.js';
import { collectGarbageWhenIdle } from './memory/heap-tuning.js';

/** This installation's id, made once: it labels the Swarm services this Spur owns. */
function installId(dataDir: string): string {
  const file = join(dataDir, 'install-id');
  if (!existsSync(file)) writeFileSync(file, randomToken(9), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}


/** Traefik reaches Spur's own domain at the host's address on docker_gwbridge. Spur listening on
 *  every address already answers there; listening on one (SPUR_HOST=127.0.0.1, the UI kept off
 *  the public interface) it listens there too, on the same port. */
async function listenForTraefik(app: { fetch: (req: Request) => Response | Promise<Response> }, config: Config, docker: DockerClient, log: Log): Promise<{ url: string; close(): void } | undefined> {
  const gateway = await gatewayAddress(docker);
  if (!gateway) return undefined;
  const url = `http://${gateway}:${config.port}`;
  if (config.host === '0.0.0.0' || config.host === '::') return { url, close: () => {} };
  const server = serve({ fetch: app.fetch, port: config.port, hostname: gateway });
  try {
    await new Promise<void>((resolve, reject) => server.once('listening', () => resolve()).once('error', reject));
  } catch (err) {
    log.warn(`Traefik cannot reach Spur's own domain: listening on ${gateway}:${config.port} failed`, { error: String(err) });
    return undefined;
  }
  return { url, close: () => server.close() };
}

export async function startServer(env: NodeJS.ProcessEnv = process.env, log: Log = consoleLog) {
  const config = loadConfig(env);
  let app: ReturnType<typeof createApp> | undefined;
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = loadOrCreateKey(config.dataDir);
  // Before anything is started: a host key that cannot be used stops Spur here, saying what to do.
  const hostKey = loadOrCreateHostKey(config.dataDir, log);
  const db = await openDatabase(join(config.dataDir, 'spur.db'));
  for (const service of await repairDeployKeys(db, key)) log.warn(`the deploy key of ${service} could not be read and was written again: add its new public key (shown on the service's page) to the git host`);
  const docker = createDockerClient(config.dockerSocket);
  const logBus = new DeploymentLogBus(db);
  const thisInstall = installId(config.dataDir);
  const probePath = installAsset('spur-probe', join(config.dataDir, 'bin', 'spur-probe'));
  const servers = new NodeFleet({ db, key, docker, log, probePath, installId: thisInstall, spoolDir: join(config.dataDir, 'tmp'), connections: new NodeConnections({ db, key }) });
  const buildSlots = new BuildSlots(config.buildConcurrency);
  const deployer = new Deployer({ config, db, docker, log, key, logBus, probePath, installId: thisInstall, askpassPath: selfCommand().at(-1)!, servers, buildSlots });
  const challengeTokens = new ChallengeTokens();
  const challengeServer = await startChallengeServer(challengeTokens, config.acme.port, config.acme.host);
  const certificates = new CertificateIssuer({
    db,
    key,
    log,
    tokens: challengeTokens,
    acme: { directoryUrl: config.acme.directoryUrl, caPem: config.acme.caFile ? readFileSync(config.acme.caFile, 'utf8') : undefined },
    traefikDir: traefikDir(config.dataDir),
    challengeUrl: `http://${primaryAddress()}:${config.acme.port}`,
    spurUpstream: () => traefikListener?.url,
    onCertificate: async (instance) => {
      if (daemon.ready) await applyRouting({ db, docker, config }, instance);
    },
  });
  await applyEnvironmentSettings({ db, config });
  await failInterruptedBackups(db);
  let traefikListener: { url: string; close(): void } | undefined;
  let listening: Promise<void> | undefined;
  // Once, after the app exists and Docker answers (whichever comes last); tried again on the next
  // daemon check while Swarm has no gateway yet.
  const ensureTraefikListener = () => {
    if (!app) return Promise.resolve();
    return (listening ??= listenForTraefik(app, config, docker, log).then(async (l) => {
      traefikListener = l;
      if (l) await certificates.writeTraefikFiles();
      else listening = undefined;
    }));
  };
  // A Compose app's group deployment that a stop cut off is over (its members' deployments are
  // the deployer's to reconcile).
  await endInterruptedComposeDeployments({ db });
  // Before Traefik is started: its file provider's directory must exist.
  await certificates.start();
  const daemon = new DaemonMonitor({
    docker,
    log,
    advertiseAddr: primaryAddress(),
    onReady: async () => {
      // Servers first: it labels the nodes that tasks of the "any" placement may run on.
      await servers.reconcile().catch((err) => log.error('could not reconcile the servers', { error: String(err) }));
      await deployer.reconcile();
      await reconcileDatabases({ db, docker, key, installId: thisInstall }).catch((err) => log.error('could not bring the databases to their specs', { error: String(err) }));
      await ensureTraefikListener();
      if (config.traefik.enabled) {
        const traefik = await ensureTraefik(docker, { name: TRAEFIK_SERVICE, spec: (image) => traefikServiceSpec({ image, traefikDir: traefikDir(config.dataDir) }), shipped: SHIPPED_TRAEFIK_IMAGE, configured: config.traefik.image, log });
        log.info(`Traefik ${traefik.image}: ${traefik.applied}`, { reason: traefik.reason });
      }
    },
  });
  await daemon.check();
  daemon.start();
  void certificates.run();

  const updates = new UpdateChecker({ downloadUrl: config.downloadUrl, enabled: config.updateCheck, log });
  updates.start();
  const databaseBackups = new DatabaseBackups({ db, docker, key, dataDir: config.dataDir, installId: thisInstall, log, isDaemonReady: () => daemon.ready });
  await databaseBackups.refreshSchedules();
  const volumeBackups = new VolumeBackups({ db, docker, key, dataDir: config.dataDir, installId: thisInstall, log, isDaemonReady: () => daemon.ready });
  await volumeBackups.start();
  const cronJobs = new CronJobs({ db, docker, key, installId: thisInstall, log, isDaemonReady: () => daemon.ready });
  await cronJobs.start();
  const jobs = scheduleJobs({ db, docker, log, servers, keepImages: config.keepImages, buildCacheMb: config.buildCacheMb, buildSlots, dataDir: config.dataDir, backupKeep: config.backupKeep, isDaemonReady: () => daemon.ready, certificates, expirePreviews: () => (app ? removeExpiredPreviews(deps) : Promise.resolve()) });
  const metrics = new MetricsSampler({ db, docker, log, installId: thisInstall, sampleS: config.metricsSampleS, isDaemonReady: () => daemon.ready, disk: () => localDisk(config.diskPath ? [config.diskPath] : undefined), servers, traefik: config.traefik.enabled || config.traefik.metricsUrl ? traefikMetricsReader({ docker, url: config.traefik.metricsUrl }) : undefined });
  metrics.start();
  const memory = shippedAddon<{ mallocTrim(): boolean }>('malloc-trim.node', join(config.dataDir, 'bin'));
  const stopCollecting = collectGarbageWhenIdle(memory && (() => memory.mallocTrim()));
  const deps: Deps = { config, installId: thisInstall, askpassPath: selfCommand().at(-1)!, updates, certificates, dns: new DnsChecks(config.publicAddresses), db, docker, log, key, daemon, deployer, logBus, streamSlots: new StreamSlots(RUNTIME_LOG_STREAMS_PER_USER), liveSlots: new StreamSlots(LIVE_STREAMS_PER_USER, 'live pages'), runningTasks: new RunningTasks(docker), swarmNodes: new SharedListing(() => docker.listNodes(), 5000), metrics, databaseBackups, volumeBackups, cronJobs, servers, proxies: new TrustedProxies({ discover: () => gatewayBridgeAddresses(docker, TRAEFIK_SERVICE), log }), setup: setupToken(config, (await countUsers(db)) === 0, log) };
  app = createApp(deps);
  const alerts = scheduleAlerts(deps);
  const stopPreviewStatuses = reportPreviewStatuses(deps);
  const eventDeliverer = new EventDeliverer({ db, key, config, log });
  eventDeliverer.start();
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  app.injectWebSocket(server);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  log.info(`spur listening on ${config.host}:${config.port}`, { dataDir: config.dataDir, baseDomain: config.baseDomain });
  if (daemon.ready) await ensureTraefikListener();

  // git push: the SSH server hands pushes to receive-pack, whose hook calls back over a local socket.
  const sessions = new PushSessions();
  const hookSocket = join(config.dataDir, 'run', 'hooks.sock');
  mkdirSync(dirname(pidFile(config.dataDir)), { recursive: true });
  writeFileSync(pidFile(config.dataDir), `${process.pid}\n`);
  installHook(config.dataDir, selfCommand());
  const pushReceiver = await startPushReceiver({ ...deps, sessions }, hookSocket);
  const sshServer = await startSshServer({ dataDir: config.dataDir, hostKey, db, log, sessions, hookSocket }, config.sshPort, config.sshHost, { ...GUARD_LIMITS, authTimeoutS: config.sshAuthTimeoutS });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing deployments in flight, then exiting`);
    daemon.stop();
    jobs.stop();
    databaseBackups.stop();
    volumeBackups.stop();
    updates.stop();
    stopCollecting();
    stopPreviewStatuses();
    server.close();
    challengeServer.close();
    traefikListener?.close();
    sshServer.close();
    pushReceiver.close();
    // Before the drain: the autoscaler must not scale what the last rollouts are finishing.
    await alerts.stop();
    await cronJobs.stop();
    await eventDeliverer.stop();
    await deployer.drain(60_000);
    await metrics.stop();
    servers.close();
    await db.destroy();
    rmSync(pidFile(config.dataDir), { force: true });
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return { deps, server };
}
