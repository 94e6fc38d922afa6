// Certificates from a real ACME server (Pebble): the issuer obtains one through its own challenge
// responder, stores it, writes Traefik's files; renewal and retries are driven by a clock passed in.
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDatabase } from '../src/db/open.js';
import { silentLog } from '../src/log.js';
import { createProject, getEnvironment, DEFAULT_ENVIRONMENT } from '../src/store/projects.js';
import { addDomain, listDomains } from '../src/store/domains.js';
import { setAcmeEmail } from '../src/store/settings.js';
import { createService } from '../src/store/services.js';
import { createUser } from '../src/store/users.js';
import { ChallengeTokens, NO_SUCH_CHALLENGE, startChallengeServer } from '../src/tls/challenges.js';
import { orderCertificate } from '../src/tls/acme-order.js';
import { CertificateIssuer } from '../src/tls/issuer.js';
import { keyMatches } from '../src/tls/certificate-facts.js';
import { type Pebble, refuseToResolve, startPebble } from './fixtures/pebble.js';
import { type SpurProcess, api, cli, docker, freePort, loginCli, probe, startSpur, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { EDGE_NETWORK } from '../src/docker/names.js';

const DAY = 86_400_000;
let pebble: Pebble;
let db: Db;
let dir: string;
let issuer: CertificateIssuer;
let orders = 0;
const contacts: (string | undefined)[] = [];
let instance: { serviceId: number; environmentId: number };
const key = Buffer.alloc(32, 7);
const closeChallenges: (() => void)[] = [];

beforeAll(async () => {
  const tokens = new ChallengeTokens();
  const server = await startChallengeServer(tokens, 0, '127.0.0.1');
  closeChallenges.push(() => server.close());
  const port = (server.address() as { port: number }).port;
  pebble = await startPebble({ httpPort: port });
  dir = mkdtempSync(join(tmpdir(), 'spur-certs-'));
  db = await openDatabase(join(dir, 'spur.db'));
  const owner = await createUser(db, { email: 'ops@example.com', passwordHash: null, role: 'owner' });
  const project = await createProject(db, 'shop', owner.id);
  const service = await createService(db, { project, name: 'web', source: { type: 'image', image: 'nginx' } });
  instance = { serviceId: service.id, environmentId: (await getEnvironment(db, project, DEFAULT_ENVIRONMENT)).id };
  await setAcmeEmail(db, 'ops@example.com');
  issuer = new CertificateIssuer({
    db,
    key,
    log: silentLog,
    tokens,
    acme: { directoryUrl: pebble.directoryUrl, caPem: pebble.tlsCaPem },
    traefikDir: join(dir, 'traefik'),
    challengeUrl: `http://192.0.2.10:${port}`,
    order: (...args) => (orders++, contacts.push(args[0].email), orderCertificate(...args)),
  });
  await issuer.start();
}, 60_000);

afterAll(async () => {
  await pebble?.stop();
  for (const close of closeChallenges) close();
  await db?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

const domain = async (hostname: string) => (await listDomains(db, instance)).find((d) => d.hostname === hostname)!;

describe('certificates from Pebble', () => {
  it('obtains a certificate through the challenge responder: chain to Pebble root, matching key, right name, Traefik files', async () => {
    await addDomain(db, instance, 'app.shop.example');
    const now = new Date();
    await issuer.run(now);
    const d = await domain('app.shop.example');
    expect(d.tls_status, d.tls_error ?? '').toBe('active');
    // The contact the owner set (or SPUR_ACME_EMAIL) goes with the order.
    expect(contacts).toEqual(['ops@example.com']);
    const certs = join(dir, 'traefik', 'certs');
    const chain = readFileSync(join(certs, 'app.shop.example.crt'), 'utf8');
    const keyPem = readFileSync(join(certs, 'app.shop.example.key'), 'utf8');
    expect(statSync(join(certs, 'app.shop.example.key')).mode & 0o777).toBe(0o600);
    const [leaf, intermediate] = chain.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!.map((p) => new X509Certificate(p));
    const root = new X509Certificate(await pebble.issuingRootPem());
    expect(leaf.verify(intermediate.publicKey)).toBe(true);
    expect(intermediate.verify(root.publicKey)).toBe(true);
    expect(leaf.checkPrivateKey(createPrivateKey(keyPem))).toBe(true);
    expect(keyMatches(chain, keyPem)).toBe(true);
    expect(leaf.subjectAltName).toBe('DNS:app.shop.example');
    expect(d.not_after).toBe(new Date(leaf.validTo).toISOString());
    // The key is sealed in the database, never stored in the clear there.
    const stored = await db.selectFrom('certificates').selectAll().executeTakeFirstOrThrow();
    expect(stored.key_sealed).not.toContain('PRIVATE KEY');

    const dynamic = JSON.parse(readFileSync(join(dir, 'traefik', 'dynamic', 'spur.yml'), 'utf8'));
    expect(dynamic).toEqual({
      http: {
        routers: { 'spur-acme-challenge': { rule: 'PathPrefix(`/.well-known/acme-challenge/`)', entryPoints: ['web'], priority: 2_147_483_000, service: 'spur-acme-challenge' } },
        services: { 'spur-acme-challenge': { loadBalancer: { servers: [{ url: expect.stringMatching(/^http:\/\/192\.0\.2\.10:\d+$/) }] } } },
      },
      tls: { certificates: [{ certFile: '/etc/spur-traefik/certs/app.shop.example.crt', keyFile: '/etc/spur-traefik/certs/app.shop.example.key' }] },
    });
  }, 60_000);

  it('renews 30 days before expiry, by the clock it is given, and not before', async () => {
    const before = await domain('app.shop.example');
    const notAfter = Date.parse(before.not_after!);
    const serialBefore = new X509Certificate(readFileSync(join(dir, 'traefik', 'certs', 'app.shop.example.crt'), 'utf8')).serialNumber;
    const ordersBefore = orders;
    await issuer.run(new Date(notAfter - 31 * DAY));
    expect(orders).toBe(ordersBefore);
    await issuer.run(new Date(notAfter - 29 * DAY));
    expect(orders).toBe(ordersBefore + 1);
    const after = await domain('app.shop.example');
    expect(after.tls_status).toBe('active');
    const served = readFileSync(join(dir, 'traefik', 'certs', 'app.shop.example.crt'), 'utf8');
    const stored = await db.selectFrom('certificates').select('cert_pem').executeTakeFirstOrThrow();
    expect(served).toBe(stored.cert_pem);
    expect(new X509Certificate(served).serialNumber).not.toBe(serialBefore);
  }, 60_000);

  it('a failing order shows the CA error, backs off with a growing delay, and places a bounded number of orders', async () => {
    await refuseToResolve(pebble.dnsManagementUrl, 'broken.shop.example');
    await addDomain(db, instance, 'broken.shop.example');
    const start = Date.now();
    const ordersBefore = orders;
    const pebbleOrdersBefore = pebble.orderCount();
    await issuer.run(new Date(start));
    let d = await domain('broken.shop.example');
    expect(d.tls_status).toBe('failed');
    expect(d.tls_error).toMatch(/could not resolve URL "http:\/\/broken\.shop\.example/);
    expect(d.tls_failures).toBe(1);
    expect(Date.parse(d.tls_retry_at!)).toBe(start + 3_600_000);
    // An hour of runs every minute (the schedule is hourly) places no order before the back-off is over…
    for (let m = 1; m < 60; m += 7) await issuer.run(new Date(start + m * 60_000));
    expect(orders - ordersBefore).toBe(1);
    // …then one, and the next wait is two hours, then four.
    await issuer.run(new Date(start + 3_600_000));
    d = await domain('broken.shop.example');
    expect(d.tls_failures).toBe(2);
    expect(Date.parse(d.tls_retry_at!)).toBe(start + 3_600_000 + 2 * 3_600_000);
    await issuer.run(new Date(start + 2 * 3_600_000));
    expect(orders - ordersBefore).toBe(2);
    // A day of hourly runs: 1 h, 2 h, 4 h, 8 h, 16 h after each failure, so at most 6 orders in all.
    for (let h = 3; h <= 24; h++) await issuer.run(new Date(start + h * 3_600_000));
    expect(orders - ordersBefore).toBeLessThanOrEqual(6);
    expect(pebble.orderCount() - pebbleOrdersBefore).toBe(orders - ordersBefore);
    // The healthy domain's certificate was not touched by any of it.
    expect((await domain('app.shop.example')).tls_status).toBe('active');
  }, 120_000);
});

describe('through the running Spur (the executable)', () => {
  let spur: SpurProcess;
  let ca: Pebble;
  let call: ReturnType<typeof api>;
  let token: string;
  const project = uniqueName('tls');
  const image = 'spur-test/hello-tls:1';

  beforeAll(async () => {
    const challengePort = await freePort();
    ca = await startPebble({ httpPort: challengePort });
    spur = await startSpur({ env: { SPUR_ACME_DIRECTORY: ca.directoryUrl, SPUR_ACME_CA_FILE: ca.tlsCaFile, SPUR_ACME_PORT: String(challengePort), SPUR_ACME_HOST: '0.0.0.0', SPUR_ACME_EMAIL: 'ops@example.com' } });
    token = await loginCli(spur);
    call = api(spur, token);
    await docker('build', '-q', '-t', image, join(__dirname, 'fixtures', 'hello-app'));
    expect((await call('POST', '/projects', { name: project })).status).toBe(201);
    expect((await call('POST', `/projects/${project}/services`, { name: 'web', image, port: 3000 })).status).toBe(201);
    const { json } = await call('POST', `/projects/${project}/services/web/deployments`);
    expect((await waitForDeployment(spur, token, json.deployment.id)).status).toBe('active');
  }, 240_000);

  afterAll(async () => {
    await stopAll({ spur }, [project]);
    await ca?.stop();
  });

  it('a domain added over the API gets its certificate and is served over HTTPS, HTTP redirecting, no task replaced', async () => {
    const swarmName = (await call('GET', `/projects/${project}/services/web`)).json.swarmService as string;
    const tasks = async () => (await docker('service', 'ps', swarmName, '--filter', 'desired-state=running', '--format', '{{.ID}}')).split('\n').filter(Boolean).sort();
    const labels = async () => JSON.parse(await docker('service', 'inspect', swarmName))[0].Spec.Labels as Record<string, string>;
    const before = await tasks();
    const added = await call('POST', `/projects/${project}/services/web/domains`, { hostname: 'www.tls.example' });
    expect(added.status).toBe(201);
    expect(added.json.domain.certificate.status).toMatch(/pending|issuing/);
    const shown = async () => (await call('GET', `/projects/${project}/services/web/domains`)).json.domains[0];
    await expect.poll(async () => (await shown()).certificate.status, { timeout: 30_000 }).toBe('active');
    const d = await shown();
    expect(d.certificate.daysLeft).toBeGreaterThan(30);
    expect(d.certificate.error).toBeNull();
    expect(d.url).toBe('https://www.tls.example');
    const served = readFileSync(join(spur.dataDir, 'traefik', 'certs', 'www.tls.example.crt'), 'utf8');
    expect(new X509Certificate(served).subjectAltName).toBe('DNS:www.tls.example');
    // The running service was relabelled: HTTPS for the domain, its plain HTTP redirected, the
    // generated domain still plain; the same tasks serve.
    await expect.poll(async () => (await labels())[`traefik.http.routers.${swarmName}-secure.rule`], { timeout: 10_000 }).toBe('Host(`www.tls.example`)');
    const l = await labels();
    expect(l[`traefik.http.routers.${swarmName}-secure.tls`]).toBe('true');
    expect(l[`traefik.http.routers.${swarmName}-secure.entrypoints`]).toBe('websecure');
    expect(l[`traefik.http.routers.${swarmName}-to-https.rule`]).toBe('Host(`www.tls.example`)');
    expect(l[`traefik.http.middlewares.${swarmName}-to-https.redirectscheme.scheme`]).toBe('https');
    expect(l[`traefik.http.routers.${swarmName}.rule`]).toMatch(/^Host\(`web-tls[^`]*\.spur\.test`\)$/);
    expect(await tasks()).toEqual(before);
    expect((await call('GET', `/projects/${project}/services/web`)).json.publicUrls).toContain('https://www.tls.example');
  }, 60_000);

  it('HSTS is an opt-in per domain; HTTPS turned off routes the domain over plain HTTP and takes its certificate off Traefik', async () => {
    const swarmName = (await call('GET', `/projects/${project}/services/web`)).json.swarmService as string;
    const labels = async () => JSON.parse(await docker('service', 'inspect', swarmName))[0].Spec.Labels as Record<string, string>;
    const hsts = await call('PATCH', `/projects/${project}/services/web/domains/www.tls.example`, { hsts: 'on' });
    expect(hsts.status).toBe(200);
    expect(hsts.json.domain).toMatchObject({ https: true, hsts: true, url: 'https://www.tls.example' });
    let l = await labels();
    expect(l[`traefik.http.routers.${swarmName}-secure-hsts.rule`]).toBe('Host(`www.tls.example`)');
    expect(l[`traefik.http.routers.${swarmName}-secure-hsts.middlewares`]).toBe(`${swarmName}-retry,${swarmName}-hsts`);
    expect(l[`traefik.http.middlewares.${swarmName}-hsts.headers.stsseconds`]).toBe('31536000');
    expect(l[`traefik.http.routers.${swarmName}-secure.rule`]).toBeUndefined();

    const bad = await call('PATCH', `/projects/${project}/services/web/domains/www.tls.example`, { https: 'maybe' });
    expect(bad.status).toBe(400);
    expect(bad.json.error).toMatch(/https: must be on or off/);
    expect((await call('PATCH', `/projects/${project}/services/web/domains/nope.tls.example`, { https: 'off' })).status).toBe(404);

    const off = await call('PATCH', `/projects/${project}/services/web/domains/www.tls.example`, { https: 'off' });
    expect(off.json.domain).toMatchObject({ https: false, url: 'http://www.tls.example', certificate: { status: 'off' } });
    l = await labels();
    expect(Object.keys(l).filter((k) => /-secure|-to-https|-hsts/.test(k))).toEqual([]);
    expect(l[`traefik.http.routers.${swarmName}.rule`]).toMatch(/ \|\| Host\(`www\.tls\.example`\)$/);
    await expect.poll(() => existsSync(join(spur.dataDir, 'traefik', 'certs', 'www.tls.example.crt')), { timeout: 10_000 }).toBe(false);
    expect(JSON.parse(readFileSync(join(spur.dataDir, 'traefik', 'dynamic', 'spur.yml'), 'utf8')).tls.certificates).toEqual([]);
  }, 60_000);

  it('www. redirects to the apex, keeping the path, over HTTP and, once it has its own certificate, HTTPS', async () => {
    const swarmName = (await call('GET', `/projects/${project}/services/web`)).json.swarmService as string;
    const labels = async () => JSON.parse(await docker('service', 'inspect', swarmName))[0].Spec.Labels as Record<string, string>;
    const domain = async (hostname: string) => (await call('GET', `/projects/${project}/services/web/domains`)).json.domains.find((d: { hostname: string }) => d.hostname === hostname);
    expect((await call('POST', `/projects/${project}/services/web/domains`, { hostname: 'tls.example' })).status).toBe(201);
    await expect.poll(async () => (await domain('tls.example')).certificate.status, { timeout: 30_000 }).toBe('active');
    const res = await call('PATCH', `/projects/${project}/services/web/domains/www.tls.example`, { https: 'on', redirectTo: 'tls.example' });
    expect(res.json.domain.redirectTo).toBe('tls.example');
    await expect.poll(async () => (await domain('www.tls.example')).certificate.status, { timeout: 30_000 }).toBe('active');
    await expect.poll(async () => (await labels())[`traefik.http.routers.${swarmName}-redirect-1-secure.rule`], { timeout: 10_000 }).toBe('Host(`www.tls.example`)');
    const l = await labels();
    expect(l[`traefik.http.routers.${swarmName}-redirect-1.rule`]).toBe('Host(`www.tls.example`)');
    expect(l[`traefik.http.middlewares.${swarmName}-redirect-1.redirectregex.replacement`]).toBe('https://tls.example/${2}');
    expect(l[`traefik.http.routers.${swarmName}-secure.rule`]).toBe('Host(`tls.example`)');
    expect(l[`traefik.http.routers.${swarmName}.rule`]).not.toContain('www.tls.example');
  }, 90_000);

  it("Spur's own domain: set in Settings, certified by the CA, routed by Traefik to where Spur answers on the Docker gateway though it listens on 127.0.0.1", async () => {
    const refused = await cli(spur, ['instance', '--domain', '*.tls.example']);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trim()).toMatch(/^spur: .*wildcards are not supported/);
    const set = await cli(spur, ['instance', '--domain', 'spur.tls.example']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).toMatch(/^Domain: +spur\.tls\.example  certificate (pending|issuing)/m);
    await expect.poll(async () => (await call('GET', '/settings')).json.domain.certificate.status, { timeout: 30_000 }).toBe('active');
    const shownByCli = (await cli(spur, ['instance'])).stdout;
    expect(shownByCli).toMatch(/^URL: +https:\/\/spur\.tls\.example$/m);
    expect(shownByCli).toMatch(/certificate active \(expires in \d+ days\)/);
    expect(shownByCli).toMatch(/^ACME email: +ops@example\.com \(set in the environment file\)$/m);
    const shown = (await call('GET', '/settings')).json;
    expect(shown.url).toBe('https://spur.tls.example');
    expect(shown.acmeEmail).toBe('ops@example.com');
    expect(new X509Certificate(readFileSync(join(spur.dataDir, 'traefik', 'certs', 'spur.tls.example.crt'), 'utf8')).subjectAltName).toBe('DNS:spur.tls.example');
    const dynamic = JSON.parse(readFileSync(join(spur.dataDir, 'traefik', 'dynamic', 'spur.yml'), 'utf8'));
    expect(dynamic.http.routers['spur-ui-secure']).toEqual({ rule: 'Host(`spur.tls.example`)', entryPoints: ['websecure'], tls: {}, service: 'spur-ui' });
    expect(dynamic.http.routers['spur-ui'].middlewares).toEqual(['spur-ui-to-https']);
    expect(dynamic.tls.certificates).toContainEqual({ certFile: '/etc/spur-traefik/certs/spur.tls.example.crt', keyFile: '/etc/spur-traefik/certs/spur.tls.example.key' });
    const upstream = dynamic.http.services['spur-ui'].loadBalancer.servers[0].url as string;
    expect(upstream).toMatch(/^http:\/\/\d+\.\d+\.\d+\.\d+:\d+$/);
    expect(spur.env.SPUR_HOST).toBe('127.0.0.1');
    const res = await probe(EDGE_NETWORK, `${upstream}/login`);
    expect(res.ok, res.error).toBe(true);
    expect(res.body).toContain('<h1>Log in</h1>');
    // A service cannot take it; and cleared, Traefik stops routing it and its certificate goes.
    expect((await call('POST', `/projects/${project}/services/web/domains`, { hostname: 'spur.tls.example' })).status).toBe(400);
    expect((await call('PATCH', '/settings', { domain: '' })).json.url).toBe(spur.url);
    await expect.poll(() => existsSync(join(spur.dataDir, 'traefik', 'certs', 'spur.tls.example.crt')), { timeout: 10_000 }).toBe(false);
    expect(JSON.parse(readFileSync(join(spur.dataDir, 'traefik', 'dynamic', 'spur.yml'), 'utf8')).http.routers['spur-ui']).toBeUndefined();
  }, 120_000);

  it('the challenge route Spur writes for Traefik points where Spur answers, seen from a container on spur-edge', async () => {
    const dynamic = JSON.parse(readFileSync(join(spur.dataDir, 'traefik', 'dynamic', 'spur.yml'), 'utf8'));
    const url = dynamic.http.services['spur-acme-challenge'].loadBalancer.servers[0].url as string;
    const res = await probe(EDGE_NETWORK, `${url}/.well-known/acme-challenge/no-order-has-this-token`);
    expect(res.ok, res.error).toBe(true);
    expect(res.body).toBe(NO_SUCH_CHALLENGE);
  }, 120_000);
});
