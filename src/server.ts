// `spur serve`: composes the long-running process — database, Docker, deployer, HTTP — and
// shuts it down cleanly on SIGTERM.
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import { type Config, loadConfig, primaryAddress } from './config.js';
import { openDatabase } from './db/open.js';
import type { Deps } from './deps.js';
import { Deployer } from './deploy/deployer.js';
import { EngineMonitor } from './deploy/engine-monitor.js';
import { DeploymentLogBus } from './deploy/log-bus.js';
import { createDockerClient } from './docker/client.js';
import { imageExists } from './docker/images.js';
import { ensureServiceExists } from './docker/swarm.js';
import { createApp } from './http/app.js';
import { type Log, consoleLog } from './log.js';
import { traefikServiceSpec } from './routing/traefik-service.js';
import { loadOrCreateKey, randomToken } from './secrets.js';
import { countUsers } from './store/users.js';

/** The one-time setup token: kept in the data dir until the owner account is created. */
function setupToken(config: Config, needed: boolean, log: Log): Deps['setup'] {
  const file = join(config.dataDir, 'setup-token');
  if (!needed) {
    rmSync(file, { force: true });
    return { claim() {} };
  }
  if (!existsSync(file)) writeFileSync(file, randomToken(18), { mode: 0o600 });
  const setup: Deps['setup'] = {
    token: readFileSync(file, 'utf8').trim(),
    claim() {
      setup.token = undefined;
      rmSync(file, { force: true });
    },
  };
  log.info(`no owner yet: open ${config.publicUrl}/setup and enter the setup token ${setup.token}`);
  return setup;
}

export async function startServer(env: NodeJS.ProcessEnv = process.env, log: Log = consoleLog) {
  const config = loadConfig(env);
  mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  const key = loadOrCreateKey(config.dataDir);
  const db = await openDatabase(join(config.dataDir, 'spur.db'));
  const docker = createDockerClient(config.dockerSocket);
  const logBus = new DeploymentLogBus(db);
  const deployer = new Deployer({ config, db, docker, log, key, logBus });
  const engine = new EngineMonitor({
    docker,
    log,
    advertiseAddr: primaryAddress(),
    onReady: async () => {
      await deployer.reconcile();
      if (config.traefik.enabled) {
        if (!(await imageExists(docker, config.traefik.image))) log.warn(`Traefik image ${config.traefik.image} is not present; Swarm will pull it`);
        await ensureServiceExists(docker, traefikServiceSpec({ image: config.traefik.image }));
      }
    },
  });
  await engine.check();
  engine.start();

  const deps: Deps = { config, db, docker, log, key, engine, deployer, logBus, setup: setupToken(config, (await countUsers(db)) === 0, log) };
  const server = serve({ fetch: createApp(deps).fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  log.info(`spur listening on ${config.host}:${config.port}`, { dataDir: config.dataDir, baseDomain: config.baseDomain });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info(`${signal}: finishing deployments in flight, then exiting`);
    engine.stop();
    server.close();
    await Promise.race([deployer.drain(), new Promise((r) => setTimeout(r, 60_000))]);
    await db.destroy();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
  return { deps, server };
}
