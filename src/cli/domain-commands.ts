// `spur domains add|list|remove|set …`: a service's custom domains, their HTTPS and HSTS switches;
// `spur instance`: Spur's own domain and ACME contact.
import { BASE_IMAGE_ROLES } from '../builds/stacks/index.js';
import { CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface DomainView {
  hostname: string;
  url: string;
  redirectTo: string | null;
  certificate: { status: string; error: string | null; daysLeft: number | null; retryAt: string | null };
  dns: { points: 'here' | 'elsewhere' | 'nowhere'; found: string[]; expected: string[] };
}

function describeDns(d: DomainView['dns']): string {
  if (d.points === 'here') return 'points here';
  if (d.points === 'elsewhere') return `points to ${d.found.join(', ')}, not this server (${d.expected.join(', ')})`;
  return `no A or AAAA record (point it at ${d.expected.join(', ')})`;
}

const describe = (d: DomainView) => `${d.url}${d.redirectTo ? `  redirects to ${d.redirectTo}` : ''}  certificate ${describeCertificate(d.certificate)}  dns ${describeDns(d.dns)}`;

function describeCertificate(c: DomainView['certificate']): string {
  if (c.status === 'off') return 'none (HTTPS off)';
  if (c.status === 'active') return `active (expires in ${c.daysLeft} days)`;
  if (c.status === 'failed') return `failed: ${c.error}${c.retryAt ? ` (next try ${c.retryAt})` : ''}`;
  return c.status;
}

const USAGE = 'spur domains add|list|remove <project> <service> [domain] [--env E]  |  domains set <project> <service> <domain> [--https on|off] [--hsts on|off] [--redirect-to D|none] [--env E]';

async function domains(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' }, https: { type: 'string' }, hsts: { type: 'string' }, 'redirect-to': { type: 'string' } });
  const [sub, project, service, hostname] = need(positionals, 3, USAGE);
  const path = `/projects/${enc(project)}/services/${enc(service)}/domains`;
  const api = client(io);
  if (sub === 'add' && hostname) {
    const answer = await api.json<{ domain: DomainView }>('POST', path + envQuery(values.env), { hostname });
    const { domain } = answer;
    io.stdout(values.json ? JSON.stringify(answer) : `Added ${domain.hostname} (DNS ${describeDns(domain.dns)}); its certificate is being ordered (spur domains list ${project} ${service} shows it).`);
  } else if (sub === 'remove' && hostname) {
    const answer = await api.json('DELETE', `${path}/${enc(hostname)}${envQuery(values.env)}`);
    io.stdout(values.json ? JSON.stringify(answer) : `Removed ${hostname}.`);
  } else if (sub === 'set' && hostname && (values.https !== undefined || values.hsts !== undefined || values['redirect-to'] !== undefined)) {
    const answer = await api.json<{ domain: DomainView }>('PATCH', `${path}/${enc(hostname)}${envQuery(values.env)}`, { https: values.https, hsts: values.hsts, redirectTo: values['redirect-to'] });
    io.stdout(values.json ? JSON.stringify(answer) : describe(answer.domain));
  } else if (sub === 'list' && !hostname) {
    const answer = await api.json<{ domains: DomainView[] }>('GET', path + envQuery(values.env));
    io.stdout(values.json ? JSON.stringify(answer) : answer.domains.map(describe).join('\n') || 'No custom domains.');
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

/** The base image flags, one per role a stack declares (`--image-node|…|--image-static IMAGE|default`). */
export const IMAGE_FLAGS_USAGE = `[${BASE_IMAGE_ROLES.map((r) => `--${r.flag}`).join('|')} IMAGE|default]`;

const INSTANCE_USAGE = 'spur instance [--domain D|none] [--acme-email E|none] [--audit-retention-days N|none] [--s3-endpoint URL --s3-bucket B --s3-access-key K [--s3-secret-key S, or SPUR_S3_SECRET_KEY] [--s3-region R] [--s3-prefix P] | --s3-endpoint none] [--registry HOST[:PORT][/NS] --registry-user U [--registry-password P, or SPUR_REGISTRY_PASSWORD] | --registry none] [--smtp-host H --smtp-from E [--smtp-port N] [--smtp-tls starttls|tls|none] [--smtp-user U [--smtp-password P, or SPUR_SMTP_PASSWORD]] | --smtp-host none] ' + IMAGE_FLAGS_USAGE;

interface SpurSettingsView {
  url: string;
  domain: DomainView | null;
  domainFromEnvironment: boolean;
  acmeEmail: string | null;
  acmeEmailFromEnvironment: boolean;
  auditRetentionDays: number | null;
  backupStorage: { endpoint: string; bucket: string; region: string; accessKeyId: string; prefix: string } | null;
  registry: { address: string; username: string } | null;
  buildImages: Record<string, { image: string; from: string }>;
  smtp: { host: string; port: number; user: string; from: string; tls: string } | null;
}

const SMTP_FLAGS = ['smtp-host', 'smtp-port', 'smtp-user', 'smtp-password', 'smtp-from', 'smtp-tls'];

/** The SMTP settings the flags give: undefined when none is given, null for --smtp-host none. */
function smtpChange(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv) {
  const host = values['smtp-host'];
  if (host === undefined) {
    if (SMTP_FLAGS.some((f) => values[f] !== undefined)) throw new CliError('give --smtp-host with the other --smtp-… settings', 2);
    return undefined;
  }
  if (host === 'none') return null;
  return { host, port: values['smtp-port'], user: values['smtp-user'], password: values['smtp-password'] ?? env.SPUR_SMTP_PASSWORD, from: values['smtp-from'], tls: values['smtp-tls'] };
}

/** --image-<kind> flag → the kind of base image it sets, as the stacks declare them. */
const IMAGE_FLAGS: Record<string, string> = Object.fromEntries(BASE_IMAGE_ROLES.map((r) => [r.flag, r.key]));

/** The base images the flags give ("default" goes back to the official one); undefined for none. */
function buildImagesChange(values: Record<string, string | boolean | undefined>) {
  const given = Object.entries(IMAGE_FLAGS).filter(([flag]) => typeof values[flag] === 'string');
  if (!given.length) return undefined;
  return Object.fromEntries(given.map(([flag, kind]) => [kind, values[flag] === 'default' ? '' : values[flag]]));
}

/** The registry the flags give: undefined when none is given, null for --registry none. */
function registryChange(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv) {
  const address = values.registry;
  if (address === undefined) {
    if (values['registry-user'] !== undefined || values['registry-password'] !== undefined) throw new CliError('give --registry with --registry-user and the password', 2);
    return undefined;
  }
  if (address === 'none') return null;
  return { address, username: values['registry-user'], password: values['registry-password'] ?? env.SPUR_REGISTRY_PASSWORD };
}

/** The S3 settings the flags give: undefined when none is given, null for --s3-endpoint none. */
function storageChange(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv) {
  const endpoint = values['s3-endpoint'];
  if (endpoint === undefined) {
    if (['s3-bucket', 's3-access-key', 's3-secret-key', 's3-region', 's3-prefix'].some((f) => values[f] !== undefined)) throw new CliError('give --s3-endpoint with the other --s3-… settings', 2);
    return undefined;
  }
  if (endpoint === 'none') return null;
  return { endpoint, bucket: values['s3-bucket'], region: values['s3-region'], accessKeyId: values['s3-access-key'], secretAccessKey: values['s3-secret-key'] ?? env.SPUR_S3_SECRET_KEY, prefix: values['s3-prefix'] };
}

async function instance(argv: string[], io: CliIo) {
  const s3Flags = Object.fromEntries(['s3-endpoint', 's3-bucket', 's3-region', 's3-access-key', 's3-secret-key', 's3-prefix'].map((f) => [f, { type: 'string' as const }]));
  const { values, positionals } = args(argv, { domain: { type: 'string' }, 'acme-email': { type: 'string' }, 'audit-retention-days': { type: 'string' }, ...s3Flags, registry: { type: 'string' }, 'registry-user': { type: 'string' }, 'registry-password': { type: 'string' }, ...Object.fromEntries(SMTP_FLAGS.map((f) => [f, { type: 'string' as const }])), ...Object.fromEntries(Object.keys(IMAGE_FLAGS).map((f) => [f, { type: 'string' as const }])) });
  if (positionals.length) throw new CliError(`usage: ${INSTANCE_USAGE}`, 2);
  const cleared = (v: string | boolean | undefined) => (v === 'none' ? '' : typeof v === 'string' ? v : undefined);
  const change = { domain: cleared(values.domain), acmeEmail: cleared(values['acme-email']), auditRetentionDays: cleared(values['audit-retention-days']), backupStorage: storageChange(values, io.env), registry: registryChange(values, io.env), buildImages: buildImagesChange(values), smtp: smtpChange(values, io.env) };
  const api = client(io);
  const unchanged = Object.values(change).every((v) => v === undefined);
  const s = unchanged ? await api.json<SpurSettingsView>('GET', '/settings') : await api.json<SpurSettingsView>('PATCH', '/settings', change);
  const storage = s.backupStorage;
  const fromEnv = (yes: boolean) => (yes ? ' (set in the environment file)' : '');
  io.stdout(
    values.json
      ? JSON.stringify(s)
      : [
          `URL:         ${s.url}`,
          `Domain:      ${s.domain ? `${s.domain.hostname}${fromEnv(s.domainFromEnvironment)}  certificate ${describeCertificate(s.domain.certificate)}  dns ${describeDns(s.domain.dns)}` : 'none'}`,
          `ACME email:  ${s.acmeEmail ?? 'none'}${fromEnv(s.acmeEmailFromEnvironment)}`,
          `Audit log:   ${s.auditRetentionDays === null ? 'kept for ever' : `kept ${s.auditRetentionDays} days`}`,
          `Backups to:  ${storage ? `s3://${storage.bucket}${storage.prefix ? `/${storage.prefix}` : ''} at ${storage.endpoint} (${storage.region}, key ${storage.accessKeyId})` : 'the data dir only (no S3 storage)'}`,
          `Images:      ${s.registry ? `pushed to ${s.registry.address} (user ${s.registry.username}); the servers pull them` : 'sent by Spur to each server (no registry)'}`,
          `Email:       ${s.smtp ? `invitations mailed through ${s.smtp.host}:${s.smtp.port} (${s.smtp.tls}${s.smtp.user ? `, user ${s.smtp.user}` : ''}) from ${s.smtp.from}` : 'none: invitation links are printed to copy'}`,
          `Base images: ${Object.entries(s.buildImages).map(([kind, b]) => `${kind} ${b.image}${b.from === 'default' ? '' : ` (${b.from === 'settings' ? 'chosen' : b.from})`}`).join(', ')}`,
        ].join('\n'),
  );
}

export const domainCommands = { domains, instance };
