// The one gate for untrusted input: every name, URL, ref, path, domain, key and number a user
// supplies passes through here before it reaches a path, git, Docker, Traefik or SQL.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { domainToASCII } from 'node:url';
import cron from 'node-cron';
import { utils } from 'ssh2';
import { SPUR_IMAGE_NAMESPACE } from './docker/names.js';
import { InvalidFields, InvalidInput } from './errors.js';
import { ShellSyntax, commandWords } from './command-words.js';

const { parseKey } = utils;

const CONTROL = /[\x00-\x1f\x7f]/;

function text(field: string, value: unknown, max: number): string {
  if (typeof value !== 'string') throw new InvalidInput(field, 'is required');
  if (value.length === 0) throw new InvalidInput(field, 'is required');
  if (value.length > max) throw new InvalidInput(field, `must be at most ${max} characters`);
  if (CONTROL.test(value)) throw new InvalidInput(field, 'must not contain control characters');
  return value;
}

export const NAME_LIMITS = { project: 20, service: 20, environment: 12, database: 20, volume: 20, node: 30, channel: 30, webhook: 30, rule: 30, subject: 30, job: 30, compose: 20 } as const;
const DNS_LABEL = /^[a-z]([a-z0-9-]*[a-z0-9])?$/;

/** A resource name: a lowercase DNS label starting with a letter, short enough that the Docker
 *  names and generated domains built from it stay within DNS's 63-character labels. */
export function resourceName(kind: keyof typeof NAME_LIMITS, value: unknown): string {
  const name = text(`${kind} name`, value, NAME_LIMITS[kind]);
  if (!DNS_LABEL.test(name)) {
    throw new InvalidInput(`${kind} name`, 'use lowercase letters, digits and hyphens, starting with a letter and not ending with a hyphen');
  }
  if ((kind === 'service' || kind === 'database') && name === 'shared') throw new InvalidInput(`${kind} name`, '"shared" names the environment\'s shared variables (${{shared.NAME}}); choose another');
  return name;
}

const SCP_LIKE = /^([A-Za-z0-9._-]+)@([A-Za-z0-9.-]+):([A-Za-z0-9._~/-]+)$/;

/** A git remote: https://, ssh://, scp-like user@host:path (or http://, see build/git-host.ts). No transports (ext::, file://),
 *  no local paths, no option-looking strings, no embedded credentials. */
export function gitUrl(value: unknown): string {
  const url = text('git URL', value, 2048).trim();
  if (url.startsWith('-')) throw new InvalidInput('git URL', 'must not start with "-"');
  if (/\s/.test(url)) throw new InvalidInput('git URL', 'must not contain spaces');
  const scp = SCP_LIKE.exec(url);
  if (scp) {
    if (scp[2].startsWith('-') || scp[3].startsWith('-')) throw new InvalidInput('git URL', 'host and path must not start with "-"');
    if (scp[3].split('/').includes('..')) throw new InvalidInput('git URL', 'path must not contain ".."');
    return url;
  }
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new InvalidInput('git URL', 'use https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git');
  }
  // http:// passes here; it is accepted only for private-network hosts (build/git-host.ts).
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'ssh:' && parsed.protocol !== 'http:') {
    throw new InvalidInput('git URL', `the ${parsed.protocol.replace(':', '')} transport is not allowed; use https:// or ssh://`);
  }
  if (!parsed.hostname || parsed.hostname.startsWith('-')) throw new InvalidInput('git URL', 'has no valid host');
  if (parsed.protocol !== 'ssh:' && (parsed.username || parsed.password)) {
    throw new InvalidInput('git URL', 'must not carry credentials');
  }
  if (parsed.password) throw new InvalidInput('git URL', 'must not carry credentials');
  if (parsed.pathname.length < 2) throw new InvalidInput('git URL', 'has no repository path');
  return url;
}

/** A branch name under git's ref-format rules (git check-ref-format --branch). */
export function branch(value: unknown): string {
  const ref = text('branch', value, 255);
  const bad =
    ref.startsWith('-') ||
    ref.startsWith('/') ||
    ref.endsWith('/') ||
    ref.endsWith('.') ||
    ref.endsWith('.lock') ||
    ref.includes('..') ||
    ref.includes('@{') ||
    ref.includes('//') ||
    ref === '@' ||
    /[\s~^:?*[\\]/.test(ref) ||
    ref.split('/').some((part) => part.startsWith('.') || part.endsWith('.lock'));
  if (bad) throw new InvalidInput('branch', 'is not a valid git branch name');
  return ref;
}

/** A path inside the repository (root directory, Dockerfile path): relative, normalised, and
 *  never climbing out. Symlinks are checked against the real checkout at build time. */
export function repoPath(field: string, value: unknown): string {
  const raw = text(field, value, 1024);
  if (raw.includes('\\')) throw new InvalidInput(field, 'use forward slashes');
  if (posix.isAbsolute(raw)) throw new InvalidInput(field, 'must be relative to the repository');
  const normal = posix.normalize(raw);
  if (normal === '..' || normal.startsWith('../')) throw new InvalidInput(field, 'must stay inside the repository');
  if (raw.split('/').includes('..')) throw new InvalidInput(field, 'must not contain ".."');
  if (normal.split('/').some((part) => part.startsWith('-'))) throw new InvalidInput(field, 'path parts must not start with "-"');
  return normal.replace(/\/$/, '') || '.';
}

/** Where the system lives in a container, and where Spur mounts its probe: no volume goes there.
 *  Apps keep data under /usr/src and /usr/local (official images do), so only /usr's system
 *  directories are refused. */
const SYSTEM_PATHS = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/proc', '/run', '/sbin', '/spur', '/sys', '/usr/bin', '/usr/include', '/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libexec', '/usr/sbin', '/usr/share', '/var/run'];

/** A volume's mount path inside the container: absolute, already normal (no `..`, `.`, `//` or
 *  trailing slash), plain characters, not the root, not a system directory or below one, never
 *  anything named docker.sock. */
export function mountPath(value: unknown): string {
  const raw = text('mount path', value, 255);
  if (!raw.startsWith('/')) throw new InvalidInput('mount path', 'must be absolute, such as /data');
  if (!/^[A-Za-z0-9._/-]+$/.test(raw)) throw new InvalidInput('mount path', 'may contain only letters, digits and . _ - /');
  if (raw === '/') throw new InvalidInput('mount path', 'cannot be the root of the container');
  if (raw.split('/').some((p) => p === '..' || p === '.') || posix.normalize(raw) !== raw || raw.endsWith('/')) throw new InvalidInput('mount path', 'must be a plain path, without . or .. parts, double or trailing slashes');
  if (raw.split('/').some((p) => p.startsWith('-'))) throw new InvalidInput('mount path', 'path parts must not start with "-"');
  const system = raw === '/usr' ? '/usr' : SYSTEM_PATHS.find((s) => raw === s || raw.startsWith(`${s}/`));
  if (system) throw new InvalidInput('mount path', `${system} belongs to the container's system; use another directory, such as /data`);
  if (raw.split('/').includes('docker.sock')) throw new InvalidInput('mount path', 'must not name the Docker socket');
  return raw;
}

/** A hostname: IDNA converted to punycode, RFC 1123 labels, at most 253 characters, a top-level
 *  label that is not a number (no IP addresses), no wildcard. Anything else (backticks, commas,
 *  spaces, ports, paths, underscores) is refused, so no rule can be broken by it. */
/** A hostname, also when pasted as an address: `https://Shop.Example.com/` is `shop.example.com`.
 *  Only the scheme (http or https), one trailing slash, case and a final dot are forgiven; a
 *  path, port, user, query or anything else is still refused. */
export function domain(value: unknown): string {
  let raw = text('domain', value, 253 + 'https://'.length + 1).trim().toLowerCase();
  const pasted = /^https?:\/\/(.*)$/.exec(raw);
  if (pasted) raw = pasted[1].replace(/\/$/, '');
  else raw = raw.replace(/\/$/, '');
  if (raw.includes('/') || raw.includes('?') || raw.includes('#')) throw new InvalidInput('domain', 'give the hostname alone, without a path (such as shop.example.com)');
  if (raw.includes(':') || raw.includes('@')) throw new InvalidInput('domain', 'give the hostname alone, without a port or user (such as shop.example.com)');
  raw = raw.replace(/\.$/, '');
  if (raw.length === 0 || raw.length > 253) throw new InvalidInput('domain', 'is not a valid hostname');
  if (raw.includes('*')) throw new InvalidInput('domain', 'wildcards are not supported: add each hostname');
  if (!/^[\p{L}\p{N}.-]+$/u.test(raw)) throw new InvalidInput('domain', 'may contain only letters, digits, hyphens and dots');
  const ascii = domainToASCII(raw);
  if (!ascii || ascii.length > 253) throw new InvalidInput('domain', 'is not a valid hostname');
  const labels = ascii.split('.');
  const label = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
  if (labels.length < 2 || !labels.every((l) => label.test(l))) throw new InvalidInput('domain', 'is not a valid hostname');
  if (/^\d+$/.test(labels[labels.length - 1])) throw new InvalidInput('domain', 'an IP address is not a domain name');
  return ascii;
}

/** A switch: true/false, on/off, 1/0. */
export function onOff(field: string, value: unknown): boolean {
  if (value === true || value === 'true' || value === 'on' || value === '1' || value === 1) return true;
  if (value === false || value === 'false' || value === 'off' || value === '0' || value === 0) return false;
  throw new InvalidInput(field, 'must be on or off');
}

export function variableKey(value: unknown): string {
  const key = text('variable name', value, 256);
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw new InvalidInput('variable name', `"${key}" must match [A-Za-z_][A-Za-z0-9_]*`);
  return key;
}

export function variableValue(value: unknown): string {
  if (typeof value !== 'string') throw new InvalidInput('variable value', 'must be a string');
  if (Buffer.byteLength(value) > 32 * 1024) throw new InvalidInput('variable value', 'must be at most 32 KiB (UTF-8)');
  if (value.includes('\0')) throw new InvalidInput('variable value', 'must not contain NUL');
  return value;
}

const REF_DOMAIN = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]+)?';
const REF_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE_REF = new RegExp(
  `^(?:${REF_DOMAIN}/)?${REF_COMPONENT}(?:/${REF_COMPONENT})*(?::[\\w][\\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$`,
);

/** A base image of the Dockerfiles Spur writes: an image reference where `{version}` may stand
 *  for the version a repository asks for. */
export function baseImageTemplate(field: string, value: unknown): string {
  const template = text(field, value, 255).trim();
  if (!IMAGE_REF.test(template.replaceAll('{version}', '1'))) throw new InvalidInput(field, `${template} is not an image reference (e.g. mirror.example.com/library/node:{version}-slim)`);
  publicImage(field, template);
  return template;
}

/** A Docker image reference under Docker's reference grammar, naming a public image. */
export function imageRef(value: unknown): string {
  const ref = text('image', value, 255).trim();
  if (!IMAGE_REF.test(ref)) throw new InvalidInput('image', 'is not a valid image reference (e.g. nginx:1.27 or ghcr.io/org/app@sha256:…)');
  return publicImage('image', ref);
}

/** An image reference a build names, as the Dockerfile resolves it: Docker's grammar, then a public image. */
export function buildImageRef(field: string, ref: string): string {
  if (!IMAGE_REF.test(ref)) throw new InvalidInput(field, `${ref} is not a valid image reference`);
  return publicImage(field, ref);
}

/** Refuses references into Spur's own image namespace and bare image ids, which would let one
 *  project run or build on another project's image. Docker Hub's spellings of a name count. */
export function publicImage(field: string, ref: string): string {
  const name = ref.toLowerCase().replace(/^(?:docker\.io|index\.docker\.io)\//, '');
  if (name.startsWith(`${SPUR_IMAGE_NAMESPACE}/`)) throw new InvalidInput(field, `${ref} is in Spur's own image namespace (${SPUR_IMAGE_NAMESPACE}/…); use a public image`);
  if (/^sha256:/.test(name) || /^[a-f0-9]{1,64}$/.test(name)) throw new InvalidInput(field, `${ref} looks like an image id; name a public image (e.g. node:22)`);
  return ref;
}

export function integer(field: string, value: unknown, min: number, max: number): number {
  const n = typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min || n > max) {
    throw new InvalidInput(field, `must be a whole number from ${min} to ${max}`);
  }
  return n;
}

export const port = (value: unknown) => integer('port', value, 1, 65535);
export const replicas = (value: unknown) => integer('replicas', value, 0, 50);

export function email(value: unknown, name = 'email'): string {
  const e = text(name, value, 254).trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(e)) throw new InvalidInput(name, 'is not an email address');
  return e;
}

export function password(value: unknown): string {
  if (typeof value !== 'string' || value.length < 10) throw new InvalidInput('password', 'must be at least 10 characters');
  if (value.length > 1024) throw new InvalidInput('password', 'must be at most 1024 characters');
  return value;
}

/** Optional fields: empty strings and missing values mean "not set". */
export function optional<T>(value: unknown, check: (v: unknown) => T): T | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  return check(value);
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new InvalidInput(field, `must be one of ${allowed.join(', ')}`);
  return value as T;
}

export const healthType = (value: unknown) => oneOf('health check', value, ['auto', 'tcp', 'http', 'image', 'command', 'none'] as const);
export const restartPolicy = (value: unknown) => oneOf('restart policy', value, ['any', 'on-failure', 'none'] as const);

/** Watch patterns (git/watch-paths.ts): globs relative to the repository root, at most 20.
 *  Given as a list, or one string with commas or new lines between them. */
export function watchPaths(value: unknown): string[] {
  const field = 'watch paths';
  const patterns = listInput(field, value, 20);
  for (const p of patterns) {
    if (p.length > 200) throw new InvalidInput(field, 'each pattern is a text of at most 200 characters');
    if (!/^[A-Za-z0-9_.@*?/-]+$/.test(p)) throw new InvalidInput(field, `${p}: use letters, digits, _ . @ - / and the wildcards * ** ?`);
    if (p.startsWith('/') || p.split('/').some((seg) => seg === '..' || seg === '.')) throw new InvalidInput(field, `${p}: a pattern is relative to the repository and stays inside it (no leading /, no . or .. segments)`);
  }
  return patterns;
}

/** Variable names given to builds: a list, or one string with commas between them. */
export function buildVariables(value: unknown): string[] {
  return [...new Set(listInput('build variables', value, 50).map((n) => variableKey(n)))];
}

/** A list of texts as an API body (an array) or a form (one string, commas or new lines between
 *  them) gives it: trimmed, empty ones dropped, at most `max`. */
function listInput(field: string, value: unknown, max: number): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,\n]/) : undefined;
  if (!list || list.some((v) => typeof v !== 'string')) throw new InvalidInput(field, 'must be a list of texts');
  const items = (list as string[]).map((v) => v.trim()).filter((v) => v !== '');
  if (items.length > max) throw new InvalidInput(field, `at most ${max}`);
  return items;
}

/** A command line Spur runs without a shell (command-words.ts): a pre-deploy command, a job's. */
export function commandLine(field: string, value: unknown): string {
  const command = text(field, value, 1000).trim();
  if (!command) throw new InvalidInput(field, 'is required');
  try {
    commandWords(command, 1);
  } catch (err) {
    if (err instanceof ShellSyntax) throw new InvalidInput(field, err.message);
    throw err;
  }
  return command;
}

export const releaseCommand = (value: unknown) => commandLine('pre-deploy command', value);

/** A command a container runs as its words (no shell: quotes honoured, shell syntax refused). */
export function commandLineWords(field: string, value: unknown): string[] {
  const line = commandLine(field, value);
  if (/\$\{?PORT\b/.test(line)) throw new InvalidInput(field, 'write the port itself: this command is not given $PORT');
  return commandWords(line, 0);
}

/** A health check command: `CMD-SHELL text` is run by the container's own shell; anything else
 *  is the words of a command run without one. As Docker's test list. */
export function healthCommand(value: unknown): string[] {
  const raw = text('health command', value, 1000).trim();
  const shell = /^CMD-SHELL\s+(.+)$/s.exec(raw);
  if (shell) return ['CMD-SHELL', shell[1]!];
  return ['CMD', ...commandLineWords('health command', raw)];
}

/** A canary's shares of the traffic: "10,50" or [10, 50]; 1–99 percent each, ascending, at most 5. */
export function canarySteps(value: unknown): number[] {
  const list = typeof value === 'string' ? value.split(',').map((v) => v.trim()) : value;
  if (!Array.isArray(list) || list.length === 0 || list.length > 5) throw new InvalidInput('canary steps', 'give 1 to 5 shares of the traffic in percent, e.g. 10,50');
  const steps = list.map((v) => integer('canary steps', v, 1, 99));
  if (steps.some((v, i) => i > 0 && v <= steps[i - 1]!)) throw new InvalidInput('canary steps', 'each share must be larger than the one before, e.g. 10,50');
  return steps;
}

export const COMMAND_LIMITS = { words: 100, wordLength: 4096 } as const;

/** A command already as its words (`spur run`): passed to the container as they are, never to a shell. */
export function commandArgs(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidInput('command', 'give the command as a list of words, e.g. ["node", "migrate.js"]');
  if (value.length > COMMAND_LIMITS.words) throw new InvalidInput('command', `at most ${COMMAND_LIMITS.words} words`);
  for (const word of value) {
    if (typeof word !== 'string') throw new InvalidInput('command', 'every word must be a string');
    if (word.length > COMMAND_LIMITS.wordLength) throw new InvalidInput('command', `a word of at most ${COMMAND_LIMITS.wordLength} characters`);
    if (word.includes('\0')) throw new InvalidInput('command', 'a word may not hold a NUL character');
  }
  if (value[0] === '') throw new InvalidInput('command', 'the first word names the program to run');
  return value as string[];
}

/** An IANA time zone name ("Europe/Berlin"), or UTC. */
export function timeZone(value: unknown): string {
  const zone = text('time zone', value, 64).trim();
  if (!/^[A-Za-z][A-Za-z0-9_+\-]*(\/[A-Za-z0-9_+\-]+)*$/.test(zone)) throw new InvalidInput('time zone', 'use a name such as UTC or Europe/Berlin');
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new InvalidInput('time zone', `${zone} is not a time zone this server knows; use a name such as UTC or Europe/Berlin`);
  }
  return zone;
}

/** An HTTP path the probe requests: printable ASCII, no spaces, starting with "/". */
export function healthPath(value: unknown): string {
  const path = text('health check path', value, 1024);
  if (!/^\/[\x21-\x7e]*$/.test(path)) throw new InvalidInput('health check path', 'must start with "/" and contain no spaces or control characters');
  return path;
}

/** CPU cores as a decimal (0.25 = a quarter of a core). */
export function cpus(field: string, value: unknown): number {
  const n = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n) || n < 0.01 || n > 256) throw new InvalidInput(field, 'must be a number of CPU cores from 0.01 to 256');
  return Math.round(n * 1000) / 1000;
}

/** Memory in MiB; Docker refuses limits under 6 MiB. */
export const memoryMb = (field: string, value: unknown) => integer(field, value, 6, 4 * 1024 * 1024);

export interface PublicKey {
  algorithm: string;
  /** Base64 of the key blob, as in authorized_keys. */
  base64: string;
  fingerprint: string;
}

const KEY_TYPES = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'ssh-rsa'];

/** An SSH public key as one `type base64 [comment]` line: ed25519, ECDSA or RSA of 3072 bits or
 *  more; no authorized_keys options, never a private key. */
export function sshPublicKey(value: unknown): PublicKey {
  if (typeof value === 'string' && /PRIVATE KEY/.test(value)) throw new InvalidInput('SSH key', 'this is a private key; paste the public key (the .pub file)');
  const raw = text('SSH key', typeof value === 'string' ? value.trim() : value, 16 * 1024);
  const [type, base64, ...rest] = raw.split(/\s+/);
  if (!KEY_TYPES.includes(type)) throw new InvalidInput('SSH key', `must start with one of ${KEY_TYPES.join(', ')} (no options before the key)`);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64 ?? '') || rest.join(' ').length > 200) throw new InvalidInput('SSH key', 'is not a public key line');
  const parsed = parseKey(Buffer.from(`${type} ${base64}`));
  if (parsed instanceof Error || Array.isArray(parsed) || parsed.isPrivateKey() || parsed.type !== type) throw new InvalidInput('SSH key', 'could not be read as an SSH public key');
  const blob = parsed.getPublicSSH();
  if (type === 'ssh-rsa' && rsaBits(blob) < 3072) throw new InvalidInput('SSH key', 'RSA keys must have at least 3072 bits; ed25519 is recommended');
  return { algorithm: type, base64: blob.toString('base64'), fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}` };
}

/** Bit length of the modulus in an ssh-rsa key blob (string type, mpint e, mpint n). */
function rsaBits(blob: Buffer): number {
  let offset = 0;
  const next = () => {
    const len = blob.readUInt32BE(offset);
    const part = blob.subarray(offset + 4, offset + 4 + len);
    offset += 4 + len;
    return part;
  };
  next();
  next();
  const n = next();
  let i = 0;
  while (i < n.length && n[i] === 0) i++;
  return (n.length - i) * 8 - Math.clz32(n[i] ?? 0) + 24;
}

/** A label for a key: printable, short. */
export function keyName(value: unknown): string {
  const name = text('key name', value, 80).trim();
  if (!/^[\x20-\x7e]+$/.test(name)) throw new InvalidInput('key name', 'use printable ASCII');
  return name;
}

/** Runs each field's check and gathers every refusal, keyed by field name, so a form can show
 *  them all at once; a check may itself gather several (InvalidFields). */
export function fields<T extends Record<string, () => unknown>>(checks: T): { [K in keyof T]: ReturnType<T[K]> } {
  const values: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const [name, check] of Object.entries(checks)) {
    try {
      values[name] = check();
    } catch (err) {
      if (err instanceof InvalidFields) Object.assign(errors, err.fields);
      else if (err instanceof InvalidInput) errors[name] = err.message;
      else throw err;
    }
  }
  if (Object.keys(errors).length) throw new InvalidFields(errors);
  return values as { [K in keyof T]: ReturnType<T[K]> };
}

/** A backup schedule: a five-field cron expression (minute hour day month weekday, UTC). */
export function cronSchedule(value: unknown): string {
  const expr = text('schedule', value, 100).trim().replace(/\s+/g, ' ');
  if (expr.split(' ').length !== 5) throw new InvalidInput('schedule', 'use five fields: minute hour day-of-month month day-of-week (e.g. 0 3 * * * for daily at 03:00 UTC)');
  const checked = cron.validateDetailed(expr);
  if (!checked.valid) throw new InvalidInput('schedule', `is not a cron expression: ${checked.errors.map((e) => e.message).join('; ') || expr}`);
  return expr;
}

/** An S3-compatible endpoint: an http(s) origin, nothing more (no credentials, path or query). */
export function s3Endpoint(value: unknown): string {
  const raw = text('endpoint', value, 2048).trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInput('endpoint', 'use an https:// URL such as https://s3.eu-central-1.amazonaws.com');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new InvalidInput('endpoint', 'must be an http:// or https:// URL');
  if (url.username || url.password) throw new InvalidInput('endpoint', 'must not carry credentials; give the keys in their own fields');
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) throw new InvalidInput('endpoint', 'must be the service address alone, without a path or query (the bucket has its own field)');
  return url.origin;
}

/** A bucket name under S3's rules: 3–63 lowercase letters, digits, dots and hyphens. */
export function s3Bucket(value: unknown): string {
  const bucket = text('bucket', value, 63).trim();
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket) || bucket.includes('..') || /^\d+\.\d+\.\d+\.\d+$/.test(bucket)) {
    throw new InvalidInput('bucket', 'use 3–63 lowercase letters, digits, dots and hyphens, starting and ending with a letter or digit');
  }
  return bucket;
}

export function s3Region(value: unknown): string {
  const region = text('region', value, 32).trim();
  if (!/^[a-z0-9][a-z0-9-]*$/.test(region)) throw new InvalidInput('region', 'use lowercase letters, digits and hyphens (e.g. us-east-1, auto)');
  return region;
}

export function s3AccessKey(value: unknown): string {
  const key = text('access key', value, 128).trim();
  if (!/^[A-Za-z0-9+/=._-]+$/.test(key)) throw new InvalidInput('access key', 'use letters, digits and + / = . _ -');
  return key;
}

export function s3SecretKey(value: unknown): string {
  const secret = text('secret key', value, 256);
  if (/\s/.test(secret)) throw new InvalidInput('secret key', 'must not contain spaces');
  return secret;
}

/** A key prefix inside the bucket: path segments of safe characters, no "..". */
export function s3Prefix(value: unknown): string {
  const prefix = text('prefix', value, 200).trim().replace(/^\/+|\/+$/g, '');
  if (!/^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/.test(prefix) || prefix.split('/').some((s) => s === '.' || s === '..')) {
    throw new InvalidInput('prefix', 'use path segments of letters, digits, dots, hyphens and underscores (e.g. spur/backups)');
  }
  return prefix;
}

/** Hosts where a plain-HTTP OpenID issuer is allowed: this machine only (a provider on the same
 *  server, or the one a test starts), where nobody on the network can read or change the answers. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** An OpenID Connect issuer: an https:// URL (http:// only on this machine's loopback), without
 *  credentials, query or fragment; a path is kept (Keycloak's realms have one). */
export function oidcIssuer(value: unknown): string {
  const raw = text('issuer', value, 2048).trim();
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidInput('issuer', 'use an https:// URL such as https://accounts.google.com');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) throw new InvalidInput('issuer', 'must be an https:// URL (http:// only for a provider on this server: localhost, 127.0.0.1)');
  if (url.username || url.password) throw new InvalidInput('issuer', 'must not carry credentials');
  if (url.search || url.hash) throw new InvalidInput('issuer', 'must not have a query or fragment');
  return raw;
}

/** A client id as the provider issued it: printable ASCII. */
export function oidcClientId(value: unknown): string {
  const id = text('client id', value, 255).trim();
  if (!/^[\x21-\x7e]+$/.test(id)) throw new InvalidInput('client id', 'must be printable characters without spaces');
  return id;
}

export const oidcClientSecret = (value: unknown) => text('client secret', value, 1024);

/** The words of the login page's button after "Sign in with". */
export const ssoLabel = (value: unknown) => text('button label', value, 40).trim();

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOST_LABEL = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/** A server to reach over SSH: an IPv4 address or a DNS name (no ports, brackets, options). */
/** A server as the Servers page names it: an enrolled one's name, or a Swarm node's host name. */
export function serverName(field: string, value: unknown): string {
  const name = text(field, value, 63);
  if (!/^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$/.test(name)) throw new InvalidInput(field, 'must be a server name as the Servers page shows it');
  return name;
}

export function serverHost(value: unknown): string {
  const host = text('host', value, 253).toLowerCase();
  if (IPV4.test(host)) return host;
  const labels = host.split('.');
  if (/^[\d.]+$/.test(host) || !labels.every((l) => l.length <= 63 && HOST_LABEL.test(l))) {
    throw new InvalidInput('host', 'must be an IPv4 address or a hostname such as node2.example.com');
  }
  return host;
}

/** A login name on a server, as useradd allows it. */
export function serverUser(value: unknown): string {
  const user = text('user', value, 32);
  if (!/^[a-z_][a-z0-9_-]*$/.test(user)) throw new InvalidInput('user', 'must be a login name such as root or deploy');
  return user;
}

/** A server login's password, used once to install Spur's key and never stored. */
export const serverPassword = (value: unknown) => text('password', value, 1024);

/** A host key fingerprint as OpenSSH prints it (`ssh-keygen -lf`): SHA256: and 43 base64
 *  characters; a trailing = (some tools print one) is dropped. */
export function hostKeyFingerprint(value: unknown): string {
  const given = text('hostKey', value, 60).trim();
  const match = /^SHA256:([A-Za-z0-9+/]{43})=?$/.exec(given);
  if (!match) throw new InvalidInput('hostKey', 'must be a fingerprint such as SHA256:Xn1o…, as `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` prints it on the server');
  return `SHA256:${match[1]}`;
}

/** `user@host` or `host` (user root), as `spur node add` and the Servers form take it. */
export function serverAddress(value: unknown): { user: string; host: string } {
  const address = text('address', value, 300);
  const at = address.lastIndexOf('@');
  return at < 0 ? { user: 'root', host: serverHost(address) } : { user: serverUser(address.slice(0, at)), host: serverHost(address.slice(at + 1)) };
}

/** Where images are pushed: `host[:port][/namespace]` (an https:// in front is dropped). */
export function registryAddress(value: unknown): string {
  const given = text('registry', value, 200).replace(/^https:\/\//, '').replace(/\/+$/, '');
  const [hostPort = '', ...path] = given.split('/');
  const address = [hostPort.toLowerCase(), ...path].join('/');
  const [host, port, extra] = hostPort.toLowerCase().split(':');
  const hostOk = (() => { try { return serverHost(host) === host; } catch { return false; } })();
  if (!hostOk || extra !== undefined || (port !== undefined && !/^\d{1,5}$/.test(port)) || !path.every((p) => /^[a-z0-9]+([._-][a-z0-9]+)*$/.test(p))) {
    throw new InvalidInput('registry', 'must be host[:port][/namespace], such as registry.example.com or ghcr.io/acme');
  }
  return address;
}

export function registryUser(value: unknown): string {
  const user = text('registry user', value, 200);
  if (/\s/.test(user)) throw new InvalidInput('registry user', 'must not contain spaces');
  return user;
}

export const registryPassword = (value: unknown) => text('registry password', value, 4096);

/** What a user may be: the two roles there are. */
export const userRole = (value: unknown) => oneOf('role', value, ['member', 'owner'] as const);
/** An API token's scope (actions/access.ts says what each covers). */
export const tokenScope = (value: unknown) => oneOf('scope', value, ['read', 'deploy', 'admin'] as const);

/** An API token's name, shown in lists: printable ASCII, at most 64 characters. */
export function tokenName(value: unknown): string {
  const name = text('name', value, 64).trim();
  if (!/^[\x20-\x7e]+$/.test(name)) throw new InvalidInput('name', 'use printable ASCII');
  return name;
}

/** An SMTP server's host name or IP address (the owner's setting: a local relay is allowed). */
export function smtpHost(value: unknown): string {
  const host = text('SMTP host', value, 253).trim().toLowerCase();
  if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(host) && !/^[0-9a-f:]+$/.test(host)) throw new InvalidInput('SMTP host', 'give a host name or an IP address alone (such as smtp.example.com)');
  return host;
}

export const smtpTls = (value: unknown) => oneOf('SMTP TLS', value, ['starttls', 'tls', 'none'] as const);
export const smtpUser = (value: unknown) => text('SMTP user', value, 254);
export const smtpPassword = (value: unknown) => text('SMTP password', value, 1024);

/** A metrics chart's range (src/metrics/tiers.ts RANGES). */
export const metricRange = (value: unknown) => oneOf('range', value, ['hour', 'day', 'week', '90d'] as const);
export type MetricRange = ReturnType<typeof metricRange>;
