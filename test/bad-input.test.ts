// Bad input gets a clear 4xx (or a one-line CLI error) and changes nothing.
import { existsSync } from 'node:fs';
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SpurProcess, api, cli, loginCli, startSpur } from './harness.js';

let spur: SpurProcess;
let call: ReturnType<typeof api>;
let token: string;
const PWNED = '/tmp/spur-pwned-marker';

beforeAll(async () => {
  spur = await startSpur();
  token = await loginCli(spur);
  call = api(spur, token);
  expect((await call('POST', '/projects', { name: 'shop' })).status).toBe(201);
  expect((await call('POST', '/projects/shop/services', { name: 'web', image: 'spur-test/node:bookworm' })).status).toBe(201);
});
afterAll(() => spur?.stop());

async function snapshot() {
  const projects = (await call('GET', '/projects')).json;
  const services = (await call('GET', '/projects/shop/services')).json;
  const variables = (await call('GET', '/projects/shop/services/web/variables')).json;
  const settings = (await call('GET', '/projects/shop/services/web')).json;
  const keys = (await call('GET', '/keys')).json;
  const domains = (await call('GET', '/projects/shop/services/web/domains')).json;
  return { projects, services, variables, settings, keys, domains };
}

const validService = { name: 'api', git: 'https://example.com/org/repo.git' };

const cases: [string, string, string, unknown, RegExp][] = [
  ['git URL with --upload-pack', 'POST', '/projects/shop/services', { ...validService, git: `--upload-pack=touch ${PWNED}` }, /git URL: must not start with "-"/],
  ['git URL with ext:: transport', 'POST', '/projects/shop/services', { ...validService, git: `ext::sh -c touch% ${PWNED}` }, /git URL/],
  ['git URL with ext:: and no spaces', 'POST', '/projects/shop/services', { ...validService, git: 'ext::sh' }, /ext transport is not allowed/],
  ['git URL with file://', 'POST', '/projects/shop/services', { ...validService, git: 'file:///etc' }, /file transport is not allowed/],
  ['git URL that is a local path', 'POST', '/projects/shop/services', { ...validService, git: '/srv/repos/app.git' }, /git URL/],
  ['git URL with credentials', 'POST', '/projects/shop/services', { ...validService, git: 'https://user:secret@example.com/a.git' }, /credentials/],
  ['branch starting with -', 'POST', '/projects/shop/services', { ...validService, branch: '--output=/tmp/x' }, /branch: is not a valid git branch name/],
  ['branch with ..', 'POST', '/projects/shop/services', { ...validService, branch: 'main..evil' }, /branch/],
  ['branch with @{', 'POST', '/projects/shop/services', { ...validService, branch: 'main@{1}' }, /branch/],
  ['root dir escaping', 'POST', '/projects/shop/services', { ...validService, rootDir: '../../etc' }, /root directory: must stay inside the repository/],
  ['absolute root dir', 'POST', '/projects/shop/services', { ...validService, rootDir: '/etc' }, /root directory: must be relative/],
  ['Dockerfile path escaping', 'POST', '/projects/shop/services', { ...validService, dockerfilePath: 'app/../../Dockerfile' }, /Dockerfile path/],
  ['service name with uppercase', 'POST', '/projects/shop/services', { ...validService, name: 'Web' }, /service name/],
  ['service name with underscore', 'POST', '/projects/shop/services', { ...validService, name: 'my_web' }, /service name/],
  ['service name too long', 'POST', '/projects/shop/services', { ...validService, name: 'a'.repeat(21) }, /at most 20/],
  ['project name not a DNS label', 'POST', '/projects', { name: '-shop' }, /project name/],
  ['project name with dots', 'POST', '/projects', { name: 'a.b' }, /project name/],
  ['environment name with space', 'POST', '/projects/shop/environments', { name: 'st age' }, /environment name/],
  ['image reference with shell', 'POST', '/projects/shop/services', { name: 'img', image: 'nginx;rm -rf /' }, /image: is not a valid image reference/],
  ['both git and image', 'POST', '/projects/shop/services', { ...validService, image: 'nginx' }, /give one source: a git repository, git push, or an image/],
  ['variable key with dash', 'PUT', '/projects/shop/services/web/variables', { variables: { 'A-B': 'x' } }, /variable name: "A-B" must match/],
  ['variable key starting with digit', 'PUT', '/projects/shop/services/web/variables', { variables: { '1ABC': 'x', GOOD: 'y' } }, /variable name/],
  ['variable key with = and space', 'PUT', '/projects/shop/services/web/variables', { variables: { 'A=B C': 'x' } }, /variable name/],
  ['domain with backtick', 'POST', '/projects/shop/services/web/domains', { hostname: 'evil.com`) || Host(`x' }, /domain: may contain only/],
  ['domain with comma', 'POST', '/projects/shop/services/web/domains', { hostname: 'a.com,b.com' }, /domain/],
  ['domain with port', 'POST', '/projects/shop/services/web/domains', { hostname: 'a.com:8080' }, /domain/],
  ['domain with space', 'POST', '/projects/shop/services/web/domains', { hostname: 'a .com' }, /domain/],
  ['domain with underscore', 'POST', '/projects/shop/services/web/domains', { hostname: 'my_app.example.com' }, /domain/],
  ['wildcard domain', 'POST', '/projects/shop/services/web/domains', { hostname: '*.example.com' }, /wildcards are not supported/],
  ['IP address as domain', 'POST', '/projects/shop/services/web/domains', { hostname: '203.0.113.7' }, /an IP address is not a domain/],
  ['domain over 253 characters', 'POST', '/projects/shop/services/web/domains', { hostname: `${'a'.repeat(60)}.`.repeat(4) + 'example.com' }, /domain/],
  ['domain label over 63 characters', 'POST', '/projects/shop/services/web/domains', { hostname: `${'a'.repeat(64)}.example.com` }, /domain: is not a valid hostname/],
  ['domain under the base domain', 'POST', '/projects/shop/services/web/domains', { hostname: 'x.spur.test' }, /where Spur generates/],
  ['no domain', 'POST', '/projects/shop/services/web/domains', {}, /domain/],
  ['port out of range', 'PATCH', '/projects/shop/services/web/settings', { port: 70000 }, /port: must be a whole number/],
  ['replicas negative', 'PATCH', '/projects/shop/services/web/settings', { replicas: -1 }, /replicas/],
  ['body that is not JSON', 'POST', '/projects', '{"name": ', /body: must be a JSON object/],
  ['SSH key with options', 'POST', '/keys', { key: 'command="touch /tmp/x" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ9QpYAYZY0x4G2Q8vZ1N6xTqkqGz7m0lH0sX9QmV5bP' }, /no options before the key/],
  ['SSH private key', 'POST', '/keys', { key: '-----BEGIN OPENSSH PRIVATE KEY-----\nb3Blbn\n-----END OPENSSH PRIVATE KEY-----' }, /this is a private key/],
  ['SSH key that is not one', 'POST', '/keys', { key: 'ssh-ed25519 AAAAnotakey' }, /could not be read/],
  ['branch setting with ..', 'PATCH', '/projects/shop/services/web/settings', { branch: 'a..b' }, /branch/],
  ['HTTPS token on an image service', 'PUT', '/projects/shop/services/web/credentials', { httpsToken: 'ghp_valid_looking_token' }, /HTTPS token: web is not cloned from a git URL/],
];

describe('the API refuses bad input and changes nothing', () => {
  it.each(cases)('%s', async (_label, method, path, body, message) => {
    const before = await snapshot();
    const res = await call(method, path, body);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(message);
    expect(await snapshot()).toEqual(before);
  });

  it('accepts an internationalised domain as punycode', async () => {
    const res = await call('POST', '/projects/shop/services/web/domains', { hostname: 'BÜCHER.example.' });
    expect(res.status).toBe(201);
    expect(res.json.domain.hostname).toBe('xn--bcher-kva.example');
    expect((await call('GET', '/projects/shop/services/web')).json.publicUrls).toContain('http://xn--bcher-kva.example');
    expect((await call('DELETE', '/projects/shop/services/web/domains/xn--bcher-kva.example')).status).toBe(200);
  });

  it('refuses oversized bodies with 413', async () => {
    const before = await snapshot();
    // The server answers before reading the whole upload; node:http lets us read that answer.
    const body = JSON.stringify({ variables: { BIG: 'x'.repeat(2 * 1024 * 1024) } });
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${spur.url}/api/v1/projects/shop/services/web/variables`, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => (String(err).includes('EPIPE') || String(err).includes('ECONNRESET') ? undefined : reject(err)));
      req.end(body);
    });
    expect(status).toBe(413);
    expect(await snapshot()).toEqual(before);
  });

  it('refuses API calls without a token or with a wrong one', async () => {
    const anonymous = api(spur);
    expect((await anonymous('GET', '/projects')).status).toBe(401);
    expect((await anonymous('POST', '/projects', { name: 'sneaky' })).status).toBe(401);
    const wrong = api(spur, 'spur_' + 'x'.repeat(43));
    expect((await wrong('GET', '/projects')).status).toBe(401);
    expect((await wrong('POST', '/projects', { name: 'sneaky' })).status).toBe(401);
    expect((await call('GET', '/projects')).json.projects.map((p: { name: string }) => p.name)).toEqual(['shop']);
  });

  it('answers 404 for unknown projects, services and deployments', async () => {
    expect((await call('GET', '/projects/nope')).status).toBe(404);
    expect((await call('GET', '/projects/shop/services/nope')).status).toBe(404);
    expect((await call('GET', '/projects/shop/services/web?env=nope')).status).toBe(404);
    expect((await call('GET', '/deployments/99999')).status).toBe(404);
    expect((await call('GET', '/deployments/abc')).status).toBe(400);
  });

  it('never ran anything a user typed', () => {
    expect(existsSync(PWNED)).toBe(false);
  });
});

describe('the CLI answers bad input with one line and a non-zero exit', () => {
  const cliCases: [string, string[], RegExp][] = [
    ['option-looking git URL', ['service', 'create', 'shop', 'x', '--git', `--upload-pack=touch ${PWNED}`], /^spur: Option '--git' argument is ambiguous/],
    ['option-looking git URL, attached', ['service', 'create', 'shop', 'x', `--git=--upload-pack=touch ${PWNED}`], /^spur: git URL: must not start with "-" \(HTTP 400\)$/],
    ['bad branch', ['service', 'create', 'shop', 'x', '--git', 'https://e.com/r.git', '--branch=-evil'], /^spur: branch: is not a valid git branch name \(HTTP 400\)$/],
    ['bad variable key', ['vars', 'set', 'shop', 'web', 'BAD-KEY=1'], /^spur: variable name: "BAD-KEY" must match/],
    ['not KEY=VALUE', ['vars', 'set', 'shop', 'web', 'NOVALUE'], /^spur: "NOVALUE" is not KEY=VALUE$/],
    ['bad project name', ['project', 'create', 'Bad_Name'], /^spur: project name: use lowercase/],
    ['unknown option', ['deploy', 'shop', 'web', '--evil'], /^spur: Unknown option '--evil'/],
    ['missing arguments', ['deploy'], /^spur: usage: spur deploy/],
    ['unknown command', ['explode'], /^spur: unknown command "explode"/],
  ];
  it.each(cliCases)('%s', async (_label, args, message) => {
    const res = await cli(spur, args);
    expect(res.code).not.toBe(0);
    expect(res.stderr.trim().split('\n')).toHaveLength(1);
    expect(res.stderr.trim()).toMatch(message);
  });

  it('fails with one line when not logged in', async () => {
    const res = await cli(spur, ['project', 'list'], { SPUR_CONFIG: '/nonexistent/cli.json' });
    expect(res.code).toBe(1);
    expect(res.stderr.trim()).toBe('spur: not logged in: run `spur login <url> --token <token>` first');
  });
});
