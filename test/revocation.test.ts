// End to end: access can be taken back. A password change ends browser sessions; API tokens,
// memberships, SSH keys and whole users can be revoked, through the CLI as a user would, and the
// SSH server and API stop honouring them at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SshKeys } from './fixtures/ssh-keys.js';
import { type SpurProcess, api, cli, loginCli, startSpur } from './harness.js';

let spur: SpurProcess;
let ownerToken: string;
const keys = new SshKeys();
const lsRemote = (key: string) => keys.git(key, ['ls-remote', `ssh://git@127.0.0.1:${spur.sshPort}/shop/web`]);

async function browserLogin(email: string, password: string): Promise<string> {
  const res = await fetch(`${spur.url}/login`, { method: 'POST', redirect: 'manual', headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: spur.url }, body: new URLSearchParams({ email, password }) });
  expect(res.status).toBe(303);
  // The session cookie by name: a login also sets the browser's login-limit cookie.
  return res.headers.getSetCookie().find((c) => c.startsWith('spur_session='))!.split(';')[0];
}
const page = async (cookie: string) => (await fetch(`${spur.url}/`, { redirect: 'manual', headers: { Cookie: cookie } })).status;

beforeAll(async () => {
  spur = await startSpur();
  ownerToken = await loginCli(spur);
  expect((await cli(spur, ['user', 'password', '--email', 'owner@example.com'], {}, 'first long password\n')).code).toBe(0);
  await cli(spur, ['project', 'create', 'shop']);
  expect((await cli(spur, ['service', 'create', 'shop', 'web', '--push'])).code).toBe(0);
});
afterAll(() => spur?.stop());

describe('revocation', () => {
  it('a password change ends the browser sessions already open', async () => {
    const cookie = await browserLogin('owner@example.com', 'first long password');
    expect(await page(cookie)).toBe(200);
    const changed = await cli(spur, ['user', 'password', '--email', 'owner@example.com'], {}, 'second long password\n');
    expect(changed.stdout).toContain('their browser sessions have ended');
    expect(await page(cookie)).toBe(303);
    expect(await page(await browserLogin('owner@example.com', 'second long password'))).toBe(200);
  });

  it('an API token can be listed and revoked; the revoked one gets 401 at once', async () => {
    const second = (await cli(spur, ['token', 'create', '--email', 'owner@example.com', '--name', 'ci'])).stdout.trim();
    expect((await api(spur, second)('GET', '/me')).status).toBe(200);
    const list = JSON.parse((await cli(spur, ['token', 'list', '--json'])).stdout).tokens as { id: number; name: string }[];
    const ci = list.find((t) => t.name === 'ci')!;
    expect(list.map((t) => t.name)).toEqual(['cli', 'ci']);
    expect((await cli(spur, ['token', 'revoke', String(ci.id)])).stdout.trim()).toBe(`Revoked token ${ci.id}`);
    expect((await api(spur, second)('GET', '/me')).status).toBe(401);
    expect((await api(spur, ownerToken)('GET', '/me')).status).toBe(200);
    expect((await cli(spur, ['token', 'revoke', String(ci.id)])).code).toBe(1);
  });

  it("a member loses a project when removed from it, never sees values in clear, and a removed key or user is refused by SSH", async () => {
    expect((await cli(spur, ['user', 'add', '--email', 'dev@example.com'])).code).toBe(0);
    const devToken = (await cli(spur, ['token', 'create', '--email', 'dev@example.com'])).stdout.trim();
    const dev = api(spur, devToken);
    expect((await cli(spur, ['member', 'shop', 'dev@example.com'])).code).toBe(0);
    expect((await dev('GET', '/projects/shop')).status).toBe(200);
    expect((await api(spur, ownerToken)('PUT', '/projects/shop/services/web/variables', { variables: { API_KEY: 'very-secret-value' } })).status).toBe(200);
    const reveal = await dev('GET', '/projects/shop/services/web/variables?reveal=1');
    expect(reveal.status).toBe(403);
    expect(JSON.stringify(reveal.json)).not.toContain('very-secret-value');

    const key = await dev('POST', '/keys', { key: keys.create('dev'), name: 'laptop' });
    expect(key.status).toBe(201);
    expect((await lsRemote('dev')).code).toBe(0);
    expect((await dev('DELETE', `/keys/${key.json.key.id}`)).status).toBe(200);
    expect((await lsRemote('dev')).out).toContain('Permission denied (publickey)');

    expect((await dev('POST', '/keys', { key: keys.publicKey('dev'), name: 'again' })).status).toBe(201);
    expect((await cli(spur, ['member', 'remove', 'shop', 'dev@example.com'])).stdout.trim()).toBe('dev@example.com can no longer use shop');
    expect((await dev('GET', '/projects/shop')).status).toBe(404);
    expect((await lsRemote('dev')).out).toMatch(/no repository shop\/web that this key may use/);

    const removed = await cli(spur, ['user', 'remove', '--email', 'dev@example.com']);
    expect(removed.code, removed.stderr).toBe(0);
    expect((await dev('GET', '/me')).status).toBe(401);
    expect((await lsRemote('dev')).out).toContain('Permission denied (publickey)');
    const lastOwner = await cli(spur, ['user', 'remove', '--email', 'owner@example.com']);
    expect(lastOwner.code).toBe(1);
    expect(lastOwner.stderr.trim()).toBe('spur: owner@example.com is the only owner; make another owner first');
  });
});
