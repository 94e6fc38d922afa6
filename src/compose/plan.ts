// A Compose file as the Spur services it becomes: read (YAML), interpolated (Compose's rules,
// variables from the .env given with it), checked key by key against the Compose specification
// (spec-keys.ts) and mapped. Every problem is reported with its line; nothing is dropped
// silently: a key Spur reads differently comes back as a note. Pure.
import { posix } from 'node:path';
import type { RestartCondition } from '../db/schema.js';
import { ShellSyntax, commandWords } from '../command-words.js';
import * as validate from '../validate.js';
import { parseDotEnv } from '../variables/dotenv.js';
import { InvalidFields } from '../errors.js';
import { type ComposeDocument, type ComposeProblem, type Path, pathText, readComposeYaml } from './document.js';
import { ExpansionBudget, InterpolationError, interpolate } from './interpolate.js';
import { startOrder } from './start-order.js';
import { DEPLOY_KEYS, HEALTHCHECK_KEYS, type KeyRule, SERVICE_KEYS, TOP_LEVEL_KEYS, VOLUME_KEYS, ruleFor } from './spec-keys.js';
import { durationSeconds, sizeMb } from './units.js';

export type { ComposeProblem } from './document.js';

export const COMPOSE_LIMITS = { bytes: 256 * 1024, services: 30 } as const;

export type DependsOnCondition = 'service_started' | 'service_healthy' | 'service_completed_successfully';

export type ComposeHealth =
  | { type: 'auto' }
  | { type: 'none' }
  | { type: 'command'; test: string[]; intervalS: number; timeoutS: number; retries: number; startPeriodS: number }
  /** Spur's own extension `x-spur-http-health`: Spur's probe asks the path (no curl needed in the image). */
  | { type: 'http'; path: string; startPeriodS: number };

export interface ComposeServicePlan {
  name: string;
  source: { image: string } | { build: { context: string; dockerfile: string | null } };
  environment: Record<string, string>;
  /** The container port routed under the service's domain; null: none published or exposed. */
  port: number | null;
  volumes: { name: string; mountPath: string }[];
  health: ComposeHealth;
  dependsOn: { service: string; condition: DependsOnCondition }[];
  /** Replaces the image's CMD (Swarm's Args) / ENTRYPOINT (Swarm's Command). */
  command: string[] | null;
  entrypoint: string[] | null;
  replicas: number;
  resources: { cpuLimit: number | null; memoryLimitMb: number | null; cpuReservation: number | null; memoryReservationMb: number | null };
  restart: { condition: RestartCondition; maxAttempts: number } | null;
  stopGraceS: number | null;
  labels: Record<string, string>;
  user: string | null;
  workingDir: string | null;
  init: boolean;
}

export interface ComposePlan {
  /** The file's top-level `name`, if any. */
  name: string | null;
  /** In start order: each after the services it depends on. */
  services: ComposeServicePlan[];
  notes: ComposeProblem[];
}

export interface ComposeInput {
  text: string;
  /** The `.env` file's text. */
  dotenv?: string | null;
  /** Where the file lies in its repository (`.` at its root); undefined for a pasted file, which
   *  has no `build:` contexts. */
  repositoryDir?: string;
}

type Problems = { problems: ComposeProblem[]; notes: ComposeProblem[]; doc: ComposeDocument; budget: ExpansionBudget };

export function planCompose(input: ComposeInput): { plan?: ComposePlan; problems: ComposeProblem[] } {
  if (Buffer.byteLength(input.text) > COMPOSE_LIMITS.bytes) return { problems: [{ line: null, path: '', message: `the file is larger than ${COMPOSE_LIMITS.bytes / 1024} KiB` }] };
  let vars: Map<string, string>;
  const budget = new ExpansionBudget(EXPANDED_LIMIT);
  try {
    vars = dotenvVariables(input.dotenv ?? '', budget);
  } catch (err) {
    if (err instanceof InvalidFields || err instanceof InterpolationError) return { problems: [{ line: null, path: '.env', message: err.message.replace(/^env: /, '') }] };
    throw err;
  }
  const read = readComposeYaml(input.text);
  if (!read.document) return { problems: read.problems };
  const p: Problems = { problems: [], notes: [], doc: read.document, budget };
  const root = interpolateTree(read.document.value, [], vars, p);
  if (budget.left < 0) return { problems: [{ line: null, path: '', message: `the file's values come to more than ${EXPANDED_LIMIT / 1024 / 1024} MiB once interpolated` }] };
  if (!isMapping(root)) return { problems: [problem(p, [], 'a Compose file is a mapping with a `services` key')] };
  checkKeys(p, root, [], TOP_LEVEL_KEYS);
  const declaredVolumes = topLevelVolumes(p, root.volumes);
  const services = root.services;
  if (!isMapping(services) || Object.keys(services).length === 0) p.problems.push(problem(p, ['services'], 'name at least one service'));
  else if (Object.keys(services).length > COMPOSE_LIMITS.services) p.problems.push(problem(p, ['services'], `at most ${COMPOSE_LIMITS.services} services`));
  const planned: ComposeServicePlan[] = [];
  if (isMapping(services) && p.problems.length === 0) {
    for (const [name, body] of Object.entries(services)) {
      const service = planService(p, name, body, { declaredVolumes, repositoryDir: input.repositoryDir, vars });
      if (service) planned.push(service);
    }
    const names = new Set(Object.keys(services));
    for (const s of planned) {
      for (const d of s.dependsOn) if (!names.has(d.service)) p.problems.push(problem(p, ['services', s.name, 'depends_on'], `depends on ${d.service}, which the file does not define`));
    }
    checkSharedVolumes(p, planned);
  }
  let ordered = planned;
  if (p.problems.length === 0) {
    const order = startOrder(planned.map((s) => ({ name: s.name, after: s.dependsOn.map((d) => d.service) })));
    if ('cycle' in order) p.problems.push(problem(p, ['services', order.cycle[0]!, 'depends_on'], `depends_on makes a cycle: ${order.cycle.join(' → ')}`));
    else ordered = order.order.map((n) => planned.find((s) => s.name === n)!);
  }
  if (p.problems.length) return { problems: p.problems };
  return { plan: { name: typeof root.name === 'string' ? root.name : null, services: ordered, notes: p.notes }, problems: [] };
}

/** The .env file's variables; a value may name an earlier one (`${A}`), as in Compose. */
function dotenvVariables(text: string, budget: ExpansionBudget): Map<string, string> {
  const vars = new Map<string, string>();
  for (const [key, value] of Object.entries(parseDotEnv(text))) vars.set(key, interpolate(value, vars, budget).value);
  return vars;
}

/** What all the values of one file and its .env may come to once interpolated. */
export const EXPANDED_LIMIT = 4 * 1024 * 1024;

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function problem(p: Problems, path: Path, message: string): ComposeProblem {
  return { line: p.doc.lineOf(path), path: pathText(path), message };
}

/** Every string value (never a key) interpolated, as Compose does before reading the file. */
function interpolateTree(value: unknown, path: (string | number)[], vars: Map<string, string>, p: Problems): unknown {
  if (typeof value === 'string') {
    if (p.budget.left < 0) return value;
    try {
      const { value: out, unset } = interpolate(value, vars, p.budget);
      for (const name of unset) p.notes.push(problem(p, path, `the variable ${name} is not set: it reads as an empty string`));
      return out;
    } catch (err) {
      if (err instanceof InterpolationError) {
        p.problems.push(problem(p, path, err.message));
        return value;
      }
      throw err;
    }
  }
  if (Array.isArray(value)) return value.map((v, i) => interpolateTree(v, [...path, i], vars, p));
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, interpolateTree(v, [...path, k], vars, p)]));
  return value;
}

/** Refuses keys the specification does not define or Spur refuses; notes the ones read differently. */
function checkKeys(p: Problems, body: Record<string, unknown>, path: Path, rules: Record<string, KeyRule>): void {
  for (const key of Object.keys(body)) {
    if (key.startsWith('x-')) continue;
    const rule = ruleFor(rules, key);
    const at = [...path, key];
    if (!rule) p.problems.push(problem(p, at, `${key} is not a key of the Compose specification here`));
    else if ('refuse' in rule) p.problems.push(problem(p, at, `${key} ${rule.refuse}`));
    else if ('note' in rule) p.notes.push(problem(p, at, `${key} ${rule.note}`));
  }
}

/** Spur's name for a Compose volume: lowercase, `_` and `.` as `-`. */
export const spurVolumeName = (name: string) => name.toLowerCase().replace(/[_.]/g, '-');

function topLevelVolumes(p: Problems, volumes: unknown): Set<string> {
  const names = new Set<string>();
  if (volumes === undefined || volumes === null) return names;
  if (!isMapping(volumes)) {
    p.problems.push(problem(p, ['volumes'], 'volumes is a mapping of volume names'));
    return names;
  }
  for (const [name, body] of Object.entries(volumes)) {
    if (isMapping(body)) checkKeys(p, body, ['volumes', name], VOLUME_KEYS);
    else if (body !== null) p.problems.push(problem(p, ['volumes', name], 'a volume is empty or a mapping'));
    try {
      validate.resourceName('volume', spurVolumeName(name));
    } catch (err) {
      p.problems.push(problem(p, ['volumes', name], `volume ${name}: ${(err as Error).message}`));
    }
    names.add(name);
  }
  return names;
}

function checkSharedVolumes(p: Problems, services: ComposeServicePlan[]): void {
  const users = new Map<string, string[]>();
  for (const s of services) for (const v of s.volumes) users.set(v.name, [...(users.get(v.name) ?? []), s.name]);
  for (const [volume, names] of users) {
    if (names.length > 1) p.problems.push(problem(p, ['volumes', volume], `volume ${volume} is mounted by ${names.join(' and ')}: in Spur each service has volumes of its own`));
  }
}

interface ServiceContext {
  declaredVolumes: Set<string>;
  repositoryDir: string | undefined;
  vars: Map<string, string>;
}

function planService(p: Problems, name: string, body: unknown, ctx: ServiceContext): ComposeServicePlan | null {
  const at = (...rest: (string | number)[]) => ['services', name, ...rest];
  const before = p.problems.length;
  const fail = (path: Path, message: string) => void p.problems.push(problem(p, path, message));
  try {
    validate.resourceName('service', name);
  } catch (err) {
    fail(at(), `service ${name}: ${(err as Error).message}`);
  }
  if (!isMapping(body)) {
    fail(at(), `service ${name} is a mapping of its keys`);
    return null;
  }
  checkKeys(p, body, at(), SERVICE_KEYS);
  const guard = <T>(path: Path, read: () => T): T | undefined => {
    try {
      return read();
    } catch (err) {
      fail(path, (err as Error).message);
      return undefined;
    }
  };

  const source = guard(at(), () => serviceSource(body, ctx.repositoryDir, (path, m) => fail(at(path), m)));
  if (body.image !== undefined && body.build !== undefined) p.notes.push(problem(p, at('image'), 'image is not used: Spur builds the service from `build` and names the image itself'));
  const environment = guard(at('environment'), () => environmentOf(body.environment, ctx.vars, (path, m) => p.notes.push(problem(p, at('environment', path), m)))) ?? {};
  const port = guard(at('ports'), () => routedPort(body.ports, body.expose, (path, m) => p.notes.push(problem(p, at(...path), m)))) ?? null;
  const volumes = guard(at('volumes'), () => volumesOf(body.volumes, ctx.declaredVolumes)) ?? [];
  const health = body['x-spur-http-health'] !== undefined ? guard(at('x-spur-http-health'), () => httpHealthOf(body['x-spur-http-health'], port)) ?? { type: 'none' as const } : guard(at('healthcheck'), () => healthOf(body.healthcheck, port)) ?? { type: 'none' as const };
  const dependsOn = guard(at('depends_on'), () => dependsOnOf(body.depends_on)) ?? [];
  const command = guard(at('command'), () => wordsOf('command', body.command, port));
  const entrypoint = guard(at('entrypoint'), () => wordsOf('entrypoint', body.entrypoint, port));
  const deploy = guard(at('deploy'), () => deployOf(p, body.deploy, at('deploy')));
  const resources = {
    cpuLimit: guard(at('cpus'), () => optionalCpus('cpus', body.cpus)) ?? deploy?.cpuLimit ?? null,
    memoryLimitMb: guard(at('mem_limit'), () => optionalMemory('mem_limit', body.mem_limit)) ?? deploy?.memoryLimitMb ?? null,
    cpuReservation: deploy?.cpuReservation ?? null,
    memoryReservationMb: guard(at('mem_reservation'), () => optionalMemory('mem_reservation', body.mem_reservation)) ?? deploy?.memoryReservationMb ?? null,
  };
  const restart = guard(at('restart'), () => restartOf(body.restart)) ?? deploy?.restart ?? null;
  const stopGraceS = guard(at('stop_grace_period'), () => (body.stop_grace_period === undefined ? null : seconds('stop_grace_period', body.stop_grace_period, 0, 3600)));
  const labels = guard(at('labels'), () => labelsOf(body.labels)) ?? {};
  const user = guard(at('user'), () => userOf(body.user));
  const workingDir = guard(at('working_dir'), () => (body.working_dir === undefined ? null : validate.mountPath(body.working_dir)));
  const init = guard(at('init'), () => booleanOf('init', body.init)) ?? false;
  if (p.problems.length > before || !source) return null;
  return {
    name,
    source,
    environment,
    port,
    volumes,
    health,
    dependsOn,
    command: command ?? null,
    entrypoint: entrypoint ?? null,
    replicas: deploy?.replicas ?? 1,
    resources,
    restart,
    stopGraceS: stopGraceS ?? null,
    labels,
    user: user ?? null,
    workingDir: workingDir ?? null,
    init,
  };
}

function serviceSource(body: Record<string, unknown>, repositoryDir: string | undefined, fail: (key: string, m: string) => void): ComposeServicePlan['source'] | undefined {
  if (body.build !== undefined) {
    if (repositoryDir === undefined) {
      fail('build', 'build needs the repository the file lives in: add the Compose file from its repository, or name a built image under `image`');
      return undefined;
    }
    const build = typeof body.build === 'string' ? { context: body.build } : body.build;
    if (!isMapping(build)) throw new Error('build is a path or a mapping');
    for (const key of Object.keys(build)) {
      if (!['context', 'dockerfile'].includes(key) && !key.startsWith('x-')) fail(`build.${key}`, `build.${key} is not supported by Spur: Spur builds with the context and Dockerfile alone (set build variables in Spur)`);
    }
    // The context is relative to the file's directory; it must stay inside the repository.
    const given = build.context ?? '.';
    if (typeof given !== 'string' || posix.isAbsolute(given) || /^[a-z][a-z0-9+.-]*:\/\//i.test(given)) throw new Error('build.context is a directory of the repository, relative to the file');
    const context = validate.repoPath('build context', posix.normalize(posix.join(repositoryDir, given)));
    const dockerfile = build.dockerfile === undefined ? null : validate.repoPath('dockerfile', build.dockerfile);
    return { build: { context, dockerfile } };
  }
  if (body.image === undefined) throw new Error('give the service an `image` (or a `build`)');
  return { image: validate.imageRef(body.image) };
}

function environmentOf(value: unknown, vars: Map<string, string>, note: (key: string, m: string) => void): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries = keyValueEntries('environment', value, null);
  const env: Record<string, string> = {};
  for (const [key, raw] of entries) {
    validate.variableKey(key);
    if (raw === null || raw === undefined) {
      const fromEnv = vars.get(key);
      if (fromEnv === undefined) note(key, `${key} has no value and the .env file sets none: it is not set`);
      else env[key] = fromEnv;
      continue;
    }
    if (typeof raw === 'object') throw new Error(`${key}: a variable's value is a string, number or boolean`);
    env[key] = validate.variableValue(String(raw));
  }
  return env;
}

/** Compose's two spellings of pairs: a mapping, or a list of `KEY=value` strings (a bare `KEY`
 *  has the value `bare`). */
function keyValueEntries(field: string, value: unknown, bare: string | null): [string, unknown][] {
  if (isMapping(value)) return Object.entries(value);
  if (!Array.isArray(value)) throw new Error(`${field} is a mapping or a list of KEY=value`);
  return value.map((item) => {
    if (typeof item !== 'string') throw new Error(`${field} entries are KEY=value strings`);
    const eq = item.indexOf('=');
    return eq < 0 ? [item, bare] : [item.slice(0, eq), item.slice(eq + 1)];
  });
}

/** The first port published or exposed: the one Spur routes under the service's domain. Every
 *  port stays reachable by the project's other services. */
function routedPort(ports: unknown, expose: unknown, note: (path: (string | number)[], m: string) => void): number | null {
  const found: number[] = [];
  if (ports !== undefined && ports !== null) {
    if (!Array.isArray(ports)) throw new Error('ports is a list');
    ports.forEach((entry, i) => {
      const { target, published } = portEntry(entry);
      if (published) note(['ports', i], `the host port ${published} is not published: Spur routes the container port ${target} under the service's domain`);
      found.push(target);
    });
  }
  if (expose !== undefined && expose !== null) {
    if (!Array.isArray(expose)) throw new Error('expose is a list');
    for (const entry of expose) found.push(portEntry(entry).target);
  }
  const unique = [...new Set(found)];
  if (unique.length > 1) note(['ports'], `only port ${unique[0]} is routed under the domain; ${unique.slice(1).join(', ')} ${unique.length > 2 ? 'are' : 'is'} reachable by the project's services`);
  return unique[0] ?? null;
}

function portEntry(entry: unknown): { target: number; published: string | null } {
  if (typeof entry === 'number') return { target: validate.port(entry), published: null };
  if (isMapping(entry)) {
    if (entry.protocol !== undefined && entry.protocol !== 'tcp') throw new Error(`${String(entry.protocol)} ports are not supported: Spur routes HTTP over TCP`);
    return { target: validate.port(entry.target), published: entry.published === undefined ? null : String(entry.published) };
  }
  if (typeof entry !== 'string') throw new Error('a port is a number, a "published:target" string or a mapping');
  const [spec, protocol = 'tcp'] = entry.split('/');
  if (protocol !== 'tcp') throw new Error(`${entry}: ${protocol} ports are not supported: Spur routes HTTP over TCP`);
  const parts = spec!.split(':');
  const target = parts.at(-1)!;
  if (target.includes('-')) throw new Error(`${entry}: port ranges are not supported`);
  return { target: validate.port(target), published: parts.length > 1 ? parts.slice(0, -1).join(':') : null };
}

function volumesOf(value: unknown, declared: Set<string>): { name: string; mountPath: string }[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new Error('volumes is a list');
  const volumes = value.map((entry) => {
    let source: unknown;
    let target: unknown;
    let readOnly = false;
    if (typeof entry === 'string') {
      const parts = entry.split(':');
      if (parts.length === 1) throw new Error(`${entry} is an anonymous volume: name it (name:${entry}) and declare it under the top-level volumes`);
      [source, target] = parts;
      readOnly = parts[2] !== undefined && parts[2].split(',').includes('ro');
    } else if (isMapping(entry)) {
      if (entry.type !== 'volume') throw new Error(`a ${String(entry.type)} mount is not supported: Spur mounts named volumes only`);
      ({ source, target } = entry);
      readOnly = entry.read_only === true;
    } else throw new Error('a volume is a "name:/path" string or a mapping');
    if (typeof source !== 'string' || /^[./~]/.test(source)) throw new Error(`${String(source)} is a path on the host: Spur mounts named volumes only, never the server's files`);
    if (!declared.has(source)) throw new Error(`volume ${source} is not declared under the top-level volumes`);
    if (readOnly) throw new Error(`${source} is mounted read-only: Spur mounts a service's volumes read-write`);
    return { name: spurVolumeName(source), mountPath: validate.mountPath(target) };
  });
  for (const [i, v] of volumes.entries()) {
    if (volumes.findIndex((w) => w.mountPath === v.mountPath) !== i) throw new Error(`two volumes are mounted at ${v.mountPath}`);
    if (volumes.findIndex((w) => w.name === v.name) !== i) throw new Error(`volume ${v.name} is mounted twice`);
  }
  return volumes;
}

function healthOf(value: unknown, port: number | null): ComposeHealth {
  if (value === undefined || value === null) return port === null ? { type: 'none' } : { type: 'auto' };
  if (!isMapping(value)) throw new Error('healthcheck is a mapping');
  for (const key of Object.keys(value)) if (!HEALTHCHECK_KEYS.has(key)) throw new Error(`healthcheck.${key} is not a key of the Compose specification`);
  if (value.disable === true) return { type: 'none' };
  const test = value.test;
  let words: string[];
  if (typeof test === 'string') words = ['CMD-SHELL', test];
  else if (Array.isArray(test) && test.every((w) => typeof w === 'string') && test.length > 0) words = test as string[];
  else if (test === undefined) return port === null ? { type: 'none' } : { type: 'auto' };
  else throw new Error('healthcheck.test is a string or a list of strings');
  if (words[0] === 'NONE') return { type: 'none' };
  if (words[0] !== 'CMD' && words[0] !== 'CMD-SHELL') throw new Error('healthcheck.test starts with CMD, CMD-SHELL or NONE');
  if (words.length < 2) throw new Error('healthcheck.test names a command');
  validate.commandArgs(words);
  return {
    type: 'command',
    test: words,
    intervalS: value.interval === undefined ? 30 : seconds('healthcheck.interval', value.interval, 1, 3600),
    timeoutS: value.timeout === undefined ? 30 : seconds('healthcheck.timeout', value.timeout, 1, 3600),
    retries: value.retries === undefined ? 3 : validate.integer('healthcheck.retries', value.retries, 1, 100),
    startPeriodS: value.start_period === undefined ? 0 : seconds('healthcheck.start_period', value.start_period, 0, 3600),
  };
}

/** `x-spur-http-health: /path` or `{ path: /path, start_period: 2m }`: Spur's HTTP check on the routed port. */
function httpHealthOf(value: unknown, port: number | null): ComposeHealth {
  if (port === null) throw new Error('x-spur-http-health needs a port (ports or expose) to ask');
  const body = typeof value === 'string' ? { path: value } : value;
  if (!isMapping(body)) throw new Error('x-spur-http-health is a path or { path, start_period }');
  for (const key of Object.keys(body)) if (!['path', 'start_period'].includes(key)) throw new Error(`x-spur-http-health.${key}: write path and start_period only`);
  return { type: 'http', path: validate.healthPath(body.path), startPeriodS: body.start_period === undefined ? 30 : seconds('x-spur-http-health.start_period', body.start_period, 0, 600) };
}

function dependsOnOf(value: unknown): ComposeServicePlan['dependsOn'] {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    return value.map((name) => {
      if (typeof name !== 'string') throw new Error('depends_on lists service names');
      return { service: name, condition: 'service_started' as const };
    });
  }
  if (!isMapping(value)) throw new Error('depends_on is a list or a mapping of service names');
  return Object.entries(value).map(([service, body]) => {
    const condition = isMapping(body) && body.condition !== undefined ? validate.oneOf(`depends_on.${service}.condition`, body.condition, ['service_started', 'service_healthy', 'service_completed_successfully'] as const) : 'service_started';
    if (condition === 'service_completed_successfully') throw new Error(`${service}: service_completed_successfully is not supported: a Spur service keeps running (use the service's pre-deploy command for one-off work)`);
    return { service, condition };
  });
}

function wordsOf(field: string, value: unknown, port: number | null): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') {
    try {
      return commandWords(value, port ?? 0);
    } catch (err) {
      if (err instanceof ShellSyntax) throw new Error(`${field} ${err.message}: Spur runs it without a shell; write ["sh", "-c", "…"] to have one`);
      throw err;
    }
  }
  if (Array.isArray(value) && value.length === 0) return [];
  return validate.commandArgs(value);
}

interface DeployPlan {
  replicas: number;
  cpuLimit: number | null;
  memoryLimitMb: number | null;
  cpuReservation: number | null;
  memoryReservationMb: number | null;
  restart: ComposeServicePlan['restart'];
}

function deployOf(p: Problems, value: unknown, path: Path): DeployPlan | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isMapping(value)) throw new Error('deploy is a mapping');
  checkKeys(p, value, path, DEPLOY_KEYS);
  if (value.mode !== undefined && value.mode !== 'replicated') throw new Error(`deploy.mode ${String(value.mode)} is not supported: Spur runs a number of replicas`);
  const resources = value.resources;
  const limits = isMapping(resources) && isMapping(resources.limits) ? resources.limits : {};
  const reservations = isMapping(resources) && isMapping(resources.reservations) ? resources.reservations : {};
  if (isMapping(resources)) for (const key of Object.keys(resources)) if (!['limits', 'reservations'].includes(key)) throw new Error(`deploy.resources.${key} is not a key of the Compose specification`);
  for (const [section, body] of [['limits', limits], ['reservations', reservations]] as const) {
    for (const key of Object.keys(body)) if (!['cpus', 'memory'].includes(key)) throw new Error(`deploy.resources.${section}.${key} is not supported by Spur`);
  }
  const policy = value.restart_policy;
  let restart: ComposeServicePlan['restart'] = null;
  if (policy !== undefined) {
    if (!isMapping(policy)) throw new Error('deploy.restart_policy is a mapping');
    const condition = validate.oneOf('deploy.restart_policy.condition', policy.condition ?? 'any', ['none', 'on-failure', 'any'] as const);
    restart = { condition, maxAttempts: policy.max_attempts === undefined ? 0 : validate.integer('deploy.restart_policy.max_attempts', policy.max_attempts, 0, 1000) };
  }
  return {
    replicas: value.replicas === undefined ? 1 : validate.replicas(value.replicas),
    cpuLimit: optionalCpus('deploy.resources.limits.cpus', limits.cpus),
    memoryLimitMb: optionalMemory('deploy.resources.limits.memory', limits.memory),
    cpuReservation: optionalCpus('deploy.resources.reservations.cpus', reservations.cpus),
    memoryReservationMb: optionalMemory('deploy.resources.reservations.memory', reservations.memory),
    restart,
  };
}

const optionalCpus = (field: string, value: unknown) => (value === undefined ? null : validate.cpus(field, value));

function optionalMemory(field: string, value: unknown): number | null {
  if (value === undefined) return null;
  const mb = sizeMb(value);
  if (mb === null) throw new Error(`${field}: ${String(value)} is not a size (e.g. 512m, 1g)`);
  return validate.memoryMb(field, mb);
}

function restartOf(value: unknown): ComposeServicePlan['restart'] | undefined {
  if (value === undefined) return undefined;
  if (value === 'no' || value === false) return { condition: 'none', maxAttempts: 0 };
  if (value === 'always' || value === 'unless-stopped') return { condition: 'any', maxAttempts: 0 };
  const match = typeof value === 'string' ? /^on-failure(?::(\d+))?$/.exec(value) : null;
  if (!match) throw new Error(`restart ${String(value)}: write no, always, unless-stopped or on-failure[:N]`);
  return { condition: 'on-failure', maxAttempts: match[1] ? validate.integer('restart', match[1], 0, 1000) : 0 };
}

function seconds(field: string, value: unknown, min: number, max: number): number {
  const s = durationSeconds(value);
  if (s === null) throw new Error(`${field}: ${String(value)} is not a duration (e.g. 10s, 1m30s)`);
  return validate.integer(field, Math.max(s, min), min, max);
}

const OWN_LABELS = /^(spur|traefik)\./i;
const MAX_LABELS = 100;

function labelsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  const entries = keyValueEntries('labels', value, '');
  if (entries.length > MAX_LABELS) throw new Error(`at most ${MAX_LABELS} labels`);
  const labels: Record<string, string> = {};
  for (const [key, raw] of entries) {
    if (OWN_LABELS.test(key)) throw new Error(`label ${key}: spur.* and traefik.* labels are Spur's own (route a domain in the service's settings)`);
    if (!/^[A-Za-z0-9][A-Za-z0-9._/-]{0,127}$/.test(key)) throw new Error(`label ${key} is not a label key`);
    const text = raw === null ? '' : String(raw);
    if (text.length > 1024 || /[\0\n\r]/.test(text)) throw new Error(`label ${key}: a value of at most 1024 characters, on one line`);
    labels[key] = text;
  }
  return labels;
}

function userOf(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text !== 'string' || !/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,31})?$/.test(text)) throw new Error('user is a user name or id, with a group after a colon');
  return text;
}

function booleanOf(field: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new Error(`${field} is true or false`);
  return value;
}
