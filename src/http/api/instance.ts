// Spur itself: its health, the command palette, its update to a newer release, and the
// installation's own settings (an owner's).
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import { searchPalette } from '../../actions/palette.js';
import { changeSpurSettings, spurSettingsView } from '../../actions/settings.js';
import { changeSsoSettings, ssoSettingsView } from '../../actions/sso-settings.js';
import { COMMIT, VERSION } from '../../version.js';
import type { ApiRoutes } from './door.js';
import { json } from './schemas.js';

const Health = z.object({
  version: z.string(),
  commit: z.string(),
  docker: z
    .object({
      reachable: z.boolean(),
      swarm: z.boolean(),
      version: z.string().optional(),
      apiVersion: z.string().optional(),
      api: z.object({ supported: z.boolean(), daemon: z.string(), using: z.string().optional(), spur: z.string(), problem: z.string().optional() }).optional().describe("The Engine API versions: the daemon's, the one Spur speaks, and whether Spur can"),
      problem: z.string().optional().describe('What is wrong, in words a user can act on'),
    })
    .describe('The Docker daemon as Spur last saw it'),
  memoryMb: z.object({ rss: z.number(), heapUsed: z.number(), heapTotal: z.number(), external: z.number() }).describe("Spur's own memory, in MB"),
});

const PaletteResult = z.object({
  kind: z.string().describe('page, project, service, database, deployment, or an action: deploy, rollback, logs'),
  label: z.string(),
  detail: z.string().optional(),
  href: z.string().describe('Where choosing it goes'),
  post: z.string().optional().describe('An action: the route to POST to (with `fields`), after asking `confirm`'),
  fields: z.record(z.string(), z.string()).optional(),
  confirm: z.string().optional(),
  disabled: z.boolean().optional().describe('Listed, but it cannot run now; `detail` says why'),
});
const PaletteAnswer = z.object({ results: z.array(PaletteResult), more: z.boolean().describe('More matched than were sent') });

const Release = z.object({ version: z.string(), commit: z.string() });

const RegistryView = z.object({ address: z.string(), username: z.string() });
const StorageView = z.object({ endpoint: z.string(), bucket: z.string(), region: z.string(), accessKeyId: z.string(), prefix: z.string() });
const SmtpView = z.object({ host: z.string(), port: z.number().int(), user: z.string(), from: z.string(), tls: z.string() });
const SettingsView = z.object({
  url: z.string().describe("Spur's own address"),
  domain: z.record(z.string(), z.unknown()).nullable().describe("Spur's own domain with its certificate and DNS; null: none"),
  domainFromEnvironment: z.boolean(),
  acmeEmail: z.string().nullable(),
  auditRetentionDays: z.number().int().nullable().describe('Days audit entries are kept; null: for ever'),
  acmeEmailFromEnvironment: z.boolean(),
  acmeDirectory: z.string(),
  backupStorage: StorageView.nullable().describe('Where database backups are copied (never the secret key); null: the data dir only'),
  registry: RegistryView.nullable().describe('Where images are pushed for the servers to pull (never the password); null: Spur sends them itself'),
  buildImages: z.record(z.string(), z.object({ image: z.string(), from: z.string() })).describe('The base images of the Dockerfiles Spur writes, each with where it comes from'),
  twoFactorRequired: z.boolean(),
  smtp: SmtpView.nullable().describe('The SMTP server invitations are mailed through (never the password); null: links are shown to copy'),
});

const Port = z.union([z.number().int(), z.string()]);
const SettingsChange = z.strictObject({
  domain: z.string().nullable().optional().describe("Spur's own domain, such as spur.example.com; \"\" or null removes it"),
  acmeEmail: z.string().nullable().optional().describe('The contact email Spur gives the ACME CA; "" or null clears it'),
  auditRetentionDays: z
    .union([z.number().int(), z.string()])
    .nullable()
    .optional()
    .describe('Days audit entries are kept (at least 30), a number or a numeric string; "" or null: for ever'),
  backupStorage: z
    .strictObject({
      endpoint: z.string().describe('The S3 endpoint, such as https://s3.eu-west-1.amazonaws.com'),
      bucket: z.string().describe('The bucket'),
      region: z.string().nullable().optional().describe('The region (us-east-1 when left out)'),
      accessKeyId: z.string().describe('The access key id'),
      secretAccessKey: z.string().optional().describe('The secret key; left out (or "") keeps the one stored'),
      prefix: z.string().nullable().optional().describe('A key prefix inside the bucket, such as spur/'),
    })
    .nullable()
    .optional()
    .describe('S3-compatible storage database backups are copied to (checked against the bucket before it is kept); null removes it'),
  registry: z
    .strictObject({
      address: z.string().describe('host[:port][/namespace], such as registry.example.com or ghcr.io/acme'),
      username: z.string().describe('The registry user'),
      password: z.string().optional().describe('The password or token; left out (or "") keeps the one stored'),
    })
    .nullable()
    .optional()
    .describe('The registry images are pushed to for the servers to pull (kept once it accepts the login); null: Spur sends images itself'),
  buildImages: z
    .record(z.string(), z.string().nullable().describe('An image reference where {version} stands for the version asked for, such as mirror.example.com/library/node:{version}-slim; "" or null: the default'))
    .optional()
    .describe('Base images of the Dockerfiles Spur writes, by kind (node, python, go, …); kinds not named stay as they are'),
  smtp: z
    .strictObject({
      host: z.string().describe('The SMTP server, such as smtp.example.com'),
      port: Port.nullable().optional().describe('The port, a number or a numeric string (465 with tls, else 587, when left out)'),
      user: z.string().nullable().optional().describe('The login; left out: no login'),
      password: z.string().optional().describe('The password; left out (or "") keeps the one stored'),
      from: z.string().describe('The sender address, such as spur@example.com'),
      tls: z.string().nullable().optional().describe('starttls (the default), tls or none'),
    })
    .nullable()
    .optional()
    .describe('The SMTP server invitations and email alerts are sent through; null removes it'),
});

const SsoView = z.object({
  provider: z.object({ issuer: z.string(), clientId: z.string(), label: z.string() }).nullable().describe('The OpenID Connect provider (never its client secret); null: none'),
  passwordLogin: z.boolean().describe('Password sign-in is on'),
  callbackUrl: z.string().describe('The redirect URI to register at the provider'),
});

const OnOff = z.union([z.boolean(), z.enum(['on', 'off', 'true', 'false', '1', '0']), z.literal(1), z.literal(0)]);
const SsoChange = z.strictObject({
  provider: z
    .strictObject({
      issuer: z.string().describe('The issuer URL, such as https://accounts.google.com (http:// only on this server)'),
      clientId: z.string().describe('The client id the provider issued'),
      clientSecret: z.string().optional().describe('The client secret; left out (or "") keeps the one stored'),
      label: z.string().nullable().optional().describe('The words after "Sign in with" on the login button (single sign-on when left out)'),
    })
    .nullable()
    .optional()
    .describe('The OpenID Connect provider (kept once the issuer answers discovery); null removes it'),
  passwordLogin: OnOff.optional().describe('Password sign-in: true/false, or "on"/"off" (also "true"/"false", "1"/"0", 1/0); off needs a provider'),
});

export function instanceRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Spur');
  r.get('/health', { summary: "Spur's version, Docker's state and Spur's memory", answers: [json(200, 'Health', Health)] }, (c) => {
    const mb = (n: number) => Math.round((n / 1048576) * 10) / 10;
    const m = process.memoryUsage();
    return c.json({ version: VERSION, commit: COMMIT, docker: deps.daemon.state, memoryMb: { rss: mb(m.rss), heapUsed: mb(m.heapUsed), heapTotal: mb(m.heapTotal), external: mb(m.external) } });
  });
  r.get(
    '/palette',
    {
      summary: 'Search the places and actions the command palette offers you',
      query: z.object({ q: z.string().optional().describe('What was typed (at most 100 characters), e.g. web, deploy web, #42; left out: pages, projects and recent deployments') }),
      answers: [json(200, 'At most 20 results', PaletteAnswer)],
    },
    async (c, { query }) => c.json(await searchPalette(deps, c.get('user'), query.q)),
  );

  // Spur itself: the newer release, if one is known; an owner starts the update (as the UI's button does).
  r.get('/update', { summary: 'The running version, and the newer release if one is known', answers: [json(200, 'The versions', z.object({ version: z.string(), available: Release.nullable() }))] }, (c) =>
    c.json({ version: VERSION, available: deps.updates.available ?? null }),
  );
  r.post('/update', { summary: 'Start the update to the newer release (owners)', answers: [json(202, 'The update started', z.object({ updating: z.string().describe('The version being updated to') }))] }, async (c) =>
    c.json({ updating: await ops.startUpdate(deps, c.get('user')) }, 202),
  );

  // The installation's own settings (an owner's): Spur's domain and the ACME contact.
  r.get('/settings', { summary: "The installation's settings (owners)", answers: [json(200, 'The settings', SettingsView)] }, async (c) => c.json(await spurSettingsView(deps, c.get('user'))));
  r.patch(
    '/settings',
    {
      summary: "Change the installation's settings (owners)",
      description: "Only the fields given change. A value set in Spur's environment file (SPUR_DOMAIN, SPUR_ACME_EMAIL, SPUR_IMAGE_*) cannot be changed here (409). Spur's domain gets its certificate ordered at once.",
      body: SettingsChange,
      answers: [json(200, 'The settings now', SettingsView)],
    },
    async (c, { body }) => c.json(await changeSpurSettings(deps, c.get('user'), body)),
  );
  // Single sign-on (OpenID Connect) and the switch for password sign-in (an owner's).
  r.get('/settings/sso', { summary: 'Single sign-on and password sign-in (owners)', answers: [json(200, 'The single sign-on settings', SsoView)] }, async (c) => c.json(await ssoSettingsView(deps, c.get('user'))));
  r.patch(
    '/settings/sso',
    {
      summary: 'Change single sign-on or turn password sign-in on or off (owners)',
      description: 'Refused (409) when nobody could sign in: password sign-in off without a provider. The way back is `spur password-login on` on the server.',
      body: SsoChange,
      answers: [json(200, 'The single sign-on settings now', SsoView)],
    },
    async (c, { body }) => c.json(await changeSsoSettings(deps, c.get('user'), body)),
  );
}
