// loadConfig(env): the process's settings, read once and frozen.
import { existsSync, readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { availableParallelism, networkInterfaces } from 'node:os';
import { join, resolve } from 'node:path';
import { BASE_IMAGE_ROLES } from './builds/stacks/index.js';
import { parseDotEnv } from './variables/dotenv.js';
import * as validate from './validate.js';

export interface Config {
  port: number;
  host: string;
  /** Port of Spur's SSH server for git push. */
  sshPort: number;
  /** Address the SSH server listens on: every one by default, so that SPUR_HOST=127.0.0.1 (the UI
   *  reached through Traefik only) leaves git push open. */
  sshHost: string;
  /** Seconds an SSH connection has to authenticate. */
  sshAuthTimeoutS: number;
  dataDir: string;
  /** Docker endpoint: a unix socket path, or undefined to let docker-modem read DOCKER_HOST. */
  dockerSocket?: string;
  baseDomain: string;
  /** The URL users reach Spur at; links are built from it, never from request headers (Spur's
   *  own domain, once set, takes its place: src/actions/settings.ts). */
  publicUrl: string;
  /** SPUR_DOMAIN: Spur's own domain, routed by Traefik with its own certificate. Set here, it is
   *  written to the database at start and the owner cannot change it in the UI. */
  spurDomain?: string;
  /** The addresses the internet reaches this server at: where custom domains should point. */
  publicAddresses: string[];
  /** Extra CA bundle for cloning from git hosts with a private CA. */
  gitCaFile?: string;
  /** Git hosts on private networks (and http:// to them) are allowed. */
  gitAllowPrivate: boolean;
  /** SPUR_NOTIFY_ALLOW_PRIVATE=1: alerts may be posted to private networks (src/alerts/channels/send.ts). */
  notifyAllowPrivate: boolean;
  /** image: SPUR_TRAEFIK_IMAGE, run exactly as named; unset, Spur runs the Traefik it ships with
   *  and upgrades an older one it runs (src/routing/traefik-image.ts). metricsUrl:
   *  SPUR_TRAEFIK_METRICS_URL, where Traefik's metrics are read (a stand-in's); unset, its metrics
   *  entry point on docker_gwbridge. */
  traefik: { enabled: boolean; image?: string; metricsUrl?: string };
  /** Images of this many deployments that served are kept per service, for rollbacks. */
  keepImages: number;
  /** A fetch and build taking longer than this fails (a service may set its own). */
  buildTimeoutS: number;
  /** Builds run at once on one server (the manager, or the build server); the rest wait. */
  buildConcurrency: number;
  /** A build's memory and CPU caps unless its service sets its own. */
  buildMemoryMb: number;
  buildCpus: number;
  /** Size the build cache is pruned to on each server, after each build and nightly. */
  buildCacheMb: number;
  /** Nightly backups of Spur's own state kept (0: no nightly backup). */
  backupKeep: number;
  /** Seconds between metrics samples (src/metrics/sampler.ts); 0: none taken. */
  metricsSampleS: number;
  /** The file system the server's disk figures (and the disk alert) are read from; undefined: where
   *  Docker keeps its data. */
  diskPath?: string;
  /** Seconds between two looks of the alert rules and the autoscaler; 0: none. */
  alertEveryS: number;
  /** Preview environments one project may have at once. */
  previewsMax: number;
  /** Seconds after a change of replicas before the autoscaler takes any away. */
  autoscaleDownAfterS: number;
  /** Where releases are published (install.sh and `spur update` read the same layout). */
  downloadUrl: string;
  /** Look for a newer release once a day. */
  updateCheck: boolean;
  /** Certificates for custom domains: the ACME directory, the contact, a private CA's bundle,
   *  and where the HTTP-01 challenge responder listens (Traefik forwards challenges to it). */
  acme: { directoryUrl: string; email?: string; caFile?: string; port: number; host: string };
  /** Base images of the Dockerfiles Spur writes, by role (each stack declares its own: src/builds/
   *  stacks), as SPUR_IMAGE_* set them: they win over the Settings page's choice, which wins over
   *  the defaults. */
  buildImages: Partial<Record<string, string>>;
}

/** SPUR_IMAGE_*: each stack's base images, as its roles name their variables. */
function buildImages(env: NodeJS.ProcessEnv): Partial<Record<string, string>> {
  const images: Partial<Record<string, string>> = {};
  for (const { key, envVar } of BASE_IMAGE_ROLES) {
    if (env[envVar]) images[key] = validate.baseImageTemplate(envVar, env[envVar]);
  }
  return images;
}

export const LETS_ENCRYPT = 'https://acme-v02.api.letsencrypt.org/directory';

export const envFilePath = (env: NodeJS.ProcessEnv) => env.SPUR_ENV_FILE ?? '/etc/spur/spur.env';

/** The settings install.sh writes (/etc/spur/spur.env, or SPUR_ENV_FILE) under the process's own:
 *  the unit reads the file itself; commands run in a shell read it here. */
export function withEnvFile(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const file = envFilePath(env);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return env;
  }
  let settings: Record<string, string>;
  try {
    settings = parseDotEnv(text);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const fromFile = Object.fromEntries(Object.entries(settings).filter(([key]) => key.startsWith('SPUR_') || key === 'DOCKER_HOST'));
  return { ...fromFile, ...env };
}

export const DEFAULT_DOWNLOAD_URL = 'https://github.com/spur-paas/spur/releases';

/** An https:// URL setting; `plain` also refuses a query and a fragment. */
function httpsUrl(name: string, value: string, plain: boolean): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} ${value} is not a URL`);
  }
  if (url.protocol !== 'https:' || url.username || url.password || (plain && (url.search || url.hash))) throw new Error(`${name} must be ${plain ? 'a plain' : 'an'} https:// URL (got ${value})`);
  return url;
}

/** A plain http:// URL: Traefik's metrics are read on the host's own bridge, or from a stand-in. */
function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${name} ${value} is not a URL`);
  }
  if (url.protocol !== 'http:' || url.username || url.password || url.hash) throw new Error(`${name} must be an http:// URL without credentials (got ${value})`);
  return url.href;
}

function ipAddress(name: string, value: string): string {
  if (isIP(value) === 0) throw new Error(`${name}: ${JSON.stringify(value)} is not an IP address`);
  return value;
}

/** The first non-internal IPv4 address: the address a single-server install is reached at. */
export function primaryAddress(): string {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal && !a.address.startsWith('172.')) return a.address;
  }
  return '127.0.0.1';
}

function absolutePath(name: string, value: string): string {
  if (!value.startsWith('/') || value.split('/').includes('..')) throw new Error(`${name} must be an absolute path without ..`);
  return value;
}

function runFromCheckout(cwd: string): boolean {
  return existsSync(join(cwd, 'package.json')) && existsSync(join(cwd, 'src', 'main.ts'));
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Readonly<Config> {
  const port = validate.port(env.SPUR_PORT ?? '3000');
  const publicAddresses = env.SPUR_PUBLIC_IP ? env.SPUR_PUBLIC_IP.split(',').map((a) => ipAddress('SPUR_PUBLIC_IP', a.trim())) : [primaryAddress()];
  const address = publicAddresses[0];
  const baseDomain = env.SPUR_BASE_DOMAIN ? validate.domain(env.SPUR_BASE_DOMAIN) : `${address}.sslip.io`;
  const dataDir = resolve(env.SPUR_DATA_DIR ?? (runFromCheckout(cwd) ? join(cwd, 'data') : '/var/lib/spur'));
  // The data dir appears in the ssh command Spur gives git; keep it to plain path characters.
  if (!/^[A-Za-z0-9_./-]+$/.test(dataDir)) throw new Error(`SPUR_DATA_DIR ${dataDir} may contain only letters, digits and _ . / -`);
  return Object.freeze({
    port,
    sshPort: validate.port(env.SPUR_SSH_PORT ?? '2222'),
    sshHost: env.SPUR_SSH_HOST ?? '0.0.0.0',
    sshAuthTimeoutS: validate.integer('SPUR_SSH_AUTH_TIMEOUT', env.SPUR_SSH_AUTH_TIMEOUT ?? '30', 1, 600),
    host: env.SPUR_HOST ?? '0.0.0.0',
    dataDir,
    dockerSocket: env.DOCKER_HOST ? undefined : '/var/run/docker.sock',
    baseDomain,
    publicUrl: (env.SPUR_PUBLIC_URL ?? `http://${address}:${port}`).replace(/\/$/, ''),
    publicAddresses,
    spurDomain: env.SPUR_DOMAIN ? validate.domain(env.SPUR_DOMAIN) : undefined,
    gitCaFile: env.SPUR_GIT_CA_FILE || undefined,
    gitAllowPrivate: env.SPUR_GIT_ALLOW_PRIVATE === '1',
    notifyAllowPrivate: env.SPUR_NOTIFY_ALLOW_PRIVATE === '1',
    traefik: { enabled: env.SPUR_TRAEFIK !== '0', image: env.SPUR_TRAEFIK_IMAGE || undefined, metricsUrl: env.SPUR_TRAEFIK_METRICS_URL ? httpUrl('SPUR_TRAEFIK_METRICS_URL', env.SPUR_TRAEFIK_METRICS_URL) : undefined },
    keepImages: validate.integer('SPUR_KEEP_IMAGES', env.SPUR_KEEP_IMAGES ?? '5', 1, 100),
    buildTimeoutS: validate.integer('SPUR_BUILD_TIMEOUT', env.SPUR_BUILD_TIMEOUT ?? '1800', 5, 86_400),
    buildConcurrency: validate.integer('SPUR_BUILD_CONCURRENCY', env.SPUR_BUILD_CONCURRENCY ?? '1', 1, 32),
    buildMemoryMb: validate.memoryMb('SPUR_BUILD_MEMORY', env.SPUR_BUILD_MEMORY ?? '2048'),
    // One core is left to Spur and the running services, on a server with more than one.
    buildCpus: validate.cpus('SPUR_BUILD_CPUS', env.SPUR_BUILD_CPUS ?? String(Math.max(1, availableParallelism() - 1))),
    buildCacheMb: validate.integer('SPUR_BUILD_CACHE_MB', env.SPUR_BUILD_CACHE_MB ?? '5120', 0, 10_000_000),
    backupKeep: validate.integer('SPUR_BACKUP_KEEP', env.SPUR_BACKUP_KEEP ?? '7', 0, 365),
    metricsSampleS: validate.integer('SPUR_METRICS_SAMPLE', env.SPUR_METRICS_SAMPLE ?? '10', 0, 60),
    diskPath: env.SPUR_DISK_PATH ? absolutePath('SPUR_DISK_PATH', env.SPUR_DISK_PATH) : undefined,
    alertEveryS: validate.integer('SPUR_ALERT_EVERY', env.SPUR_ALERT_EVERY ?? '60', 0, 3600),
    previewsMax: validate.integer('SPUR_PREVIEWS_MAX', env.SPUR_PREVIEWS_MAX ?? '5', 0, 100),
    autoscaleDownAfterS: validate.integer('SPUR_AUTOSCALE_DOWN_AFTER', env.SPUR_AUTOSCALE_DOWN_AFTER ?? '300', 0, 86_400),
    downloadUrl: httpsUrl('SPUR_DOWNLOAD_URL', env.SPUR_DOWNLOAD_URL ?? DEFAULT_DOWNLOAD_URL, true).href.replace(/\/$/, ''),
    updateCheck: env.SPUR_UPDATE_CHECK !== '0',
    acme: {
      directoryUrl: httpsUrl('SPUR_ACME_DIRECTORY', env.SPUR_ACME_DIRECTORY ?? LETS_ENCRYPT, false).href,
      email: env.SPUR_ACME_EMAIL ? validate.email(env.SPUR_ACME_EMAIL) : undefined,
      caFile: env.SPUR_ACME_CA_FILE || undefined,
      port: validate.port(env.SPUR_ACME_PORT ?? '3080'),
      host: env.SPUR_ACME_HOST ?? '0.0.0.0',
    },
    buildImages: buildImages(env),
  });
}
