// App tier: the issue 26 UI rework as a tenant, a signed-out visitor and the holder of a leaked API
// token would attack it. Each test names what it tries; each refusal is what must hold.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { queueDeployment } from '../store/deployments.js';
import { createApiToken } from '../store/users.js';
import type { createApp } from './app.js';
import { ORIGIN, type apiAs, shopWithWeb } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: ReturnType<typeof apiAs>;
let cookies: { owner: string; member: string };
let member: { id: number };

beforeEach(async () => {
  ({ deps, app, call, cookies, member } = await shopWithWeb());
  await addProjectMember(deps.db, (await deps.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id, member.id);
});

const page = async (cookie: string, path: string) => {
  const res = await app.request(path, { headers: { Cookie: cookie } });
  return { status: res.status, text: await res.text() };
};
const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
/** Posts a form as the browser would (session cookie, CSRF token, same Origin). */
const post = async (cookie: string, path: string, fields: Record<string, string>, opts: { csrf?: string | false; origin?: string } = {}) => {
  const csrf = opts.csrf || csrfOf((await page(cookie, '/')).text);
  const res = await app.request(path, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded', Origin: opts.origin ?? ORIGIN },
    body: new URLSearchParams(opts.csrf === false ? fields : { _csrf: csrf, ...fields }).toString(),
  });
  return { status: res.status, text: await res.text() };
};

describe('the .env paste (members may import)', () => {
  it('reads a quoted value that never closes over 500 long lines in linear time', async () => {
    // ~1 MiB (the body cap) of one unclosed double-quoted value: each added line used to rescan
    // everything before it, about 250 million character reads for one request.
    const text = `A="\n${Array(498).fill('x'.repeat(2000)).join('\n')}`;
    const csrf = csrfOf((await page(cookies.member, '/')).text);
    const started = Date.now();
    const res = await post(cookies.member, '/projects/shop/services/web/variables/import?env=production', { env: text }, { csrf });
    const took = Date.now() - started;
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    expect(res.text).toContain('is not closed');
    expect(took).toBeLessThan(1500);
  });

  it('strips a comment from a long line of spaces in linear time', async () => {
    // `/\s+#.*$/` backtracked over the run of spaces from each of its starts: 100,000 spaces
    // took seconds, a 1 MiB line minutes.
    const csrf = csrfOf((await page(cookies.member, '/')).text);
    const started = Date.now();
    const res = await post(cookies.member, '/projects/shop/services/web/variables/import?env=production', { env: `A=a${' '.repeat(100_000)}b` }, { csrf });
    const took = Date.now() - started;
    expect(res.status, res.text.slice(0, 300)).toBe(400);
    expect(res.text).toContain('32 KiB');
    expect(took).toBeLessThan(1500);
  });
});

describe("changing a service's source (any member may)", () => {
  const source = (body: unknown, who = 'member') => call(who, 'PUT', '/projects/shop/services/web/source', body);
  const token = async () => (await deps.db.selectFrom('services').select('https_token_sealed').where('name', '=', 'web').executeTakeFirstOrThrow()).https_token_sealed;

  it("never sends the owner's HTTPS token for another repository, even on the same host", async () => {
    // The owner clones a private repository with a personal access token, which on most hosts
    // reads every repository of its owner (other projects' code included).
    expect((await source({ git: 'https://203.0.113.9/acme/shop.git' }, 'owner')).status).toBe(200);
    expect((await call('owner', 'PUT', '/projects/shop/services/web/credentials', { httpsToken: 'ghp_ownerstoken' })).status).toBe(200);
    // The same repository written another way keeps it.
    expect((await source({ git: 'https://203.0.113.9/acme/shop' })).status).toBe(200);
    expect(await token()).not.toBeNull();
    // A member points the service at another private repository the token can read.
    const moved = await source({ git: 'https://203.0.113.9/acme/billing.git' });
    expect(moved.status).toBe(200);
    expect(moved.json.notes.join(' ')).toMatch(/HTTPS token was for 203\.0\.113\.9\/acme\/shop and is removed/);
    expect(await token()).toBeNull();
  });

  it('refuses option injection, local and loopback URLs, paths out of the checkout and Spur images, as at creation', async () => {
    const refused: unknown[] = [
      { git: '-uhack' },
      { git: 'ext::sh -c touch% /tmp/x' },
      { git: 'file:///srv/spur/data' },
      { git: '/srv/spur/data/repos/other.git' },
      { git: 'https://localhost/a.git' },
      { git: 'https://[::1]/a.git' },
      { git: 'https://169.254.169.254/latest' },
      { git: 'https://10.0.0.5/a.git' },
      { git: 'ssh://-oProxyCommand=touch/x/a.git' },
      { git: 'git@-oProxyCommand=x:a.git' },
      { git: 'https://203.0.113.9/a.git', branch: 'a..b' },
      { git: 'https://203.0.113.9/a.git', rootDir: 'app/../../..' },
      { git: 'https://203.0.113.9/a.git', dockerfilePath: '../Dockerfile' },
      { kind: 'push', rootDir: '/etc' },
      { image: 'docker.io/spur/other:latest' },
      { image: '-v' },
    ];
    for (const body of refused) expect((await source(body)).status, JSON.stringify(body)).toBe(400);
    const row = await deps.db.selectFrom('services').selectAll().where('name', '=', 'web').executeTakeFirstOrThrow();
    expect([row.source_type, row.image]).toEqual(['image', 'nginx']);
  });
});

describe('the raw variables editor (owner only)', () => {
  const base = '/projects/shop/services/web';
  const stored = async () => (await call('owner', 'GET', `${base}/variables/text`)).json.env;

  it('refuses a member every read, preview and save, in the API and the web, and changes nothing', async () => {
    expect((await call('owner', 'PUT', `${base}/variables`, { API_KEY: 'sk_live_owner_secret' })).status).toBe(200);
    expect((await call('member', 'GET', `${base}/variables/text`)).status).toBe(403);
    for (const dryRun of [true, false]) expect((await call('member', 'PUT', `${base}/variables/text`, { env: 'X=1\n', dryRun })).status).toBe(403);
    const raw = await page(cookies.member, `${base}/variables/raw?env=production`);
    expect(raw.status).toBe(403);
    expect(raw.text).not.toContain('sk_live_owner_secret');
    expect((await post(cookies.member, `${base}/variables/raw/preview?env=production`, { env: 'X=1' })).status).toBe(403);
    expect((await post(cookies.member, `${base}/variables/raw?env=production`, { env: 'X=1' })).status).toBe(403);
    expect(await stored()).toBe('API_KEY=sk_live_owner_secret\n');
  });

  it('changes nothing on a dry run, holds each value to the size a single set allows, and needs the CSRF token', async () => {
    expect((await call('owner', 'PUT', `${base}/variables`, { KEEP: 'kept-value' })).status).toBe(200);
    const dry = await call('owner', 'PUT', `${base}/variables/text`, { env: 'NEW=1\n', dryRun: true });
    expect([dry.status, dry.json.applied, dry.json.summary]).toEqual([200, false, 'Adds NEW; removes KEEP.']);
    expect(await stored()).toBe('KEEP=kept-value\n');
    const big = await call('owner', 'PUT', `${base}/variables/text`, { env: `BIG="${'x'.repeat(33 * 1024)}"\n` });
    expect(big.status).toBe(400);
    expect(big.json.error).toMatch(/32 KiB/);
    expect((await post(cookies.owner, `${base}/variables/raw?env=production`, { env: '' }, { csrf: 'forged-token-value' })).status).toBe(403);
    expect((await post(cookies.owner, `${base}/variables/raw?env=production`, { env: '' }, { origin: 'https://evil.example' })).status).toBe(403);
    expect(await stored()).toBe('KEEP=kept-value\n');
  });
});

describe("another project's deployments", () => {
  it('are not found by a member of shop: record, steps, stream, page and palette alike', async () => {
    expect((await call('owner', 'POST', '/projects', { name: 'vault' })).status).toBe(201);
    expect((await call('owner', 'POST', '/projects/vault/services', { name: 'ledger', image: 'nginx' })).status).toBe(201);
    const row = await deps.db.selectFrom('service_instances').innerJoin('services', 'services.id', 'service_instances.service_id').select(['service_instances.service_id as serviceId', 'service_instances.environment_id as environmentId']).where('services.name', '=', 'ledger').executeTakeFirstOrThrow();
    const { deployment } = await queueDeployment(deps.db, { ...row, trigger: 'test' });
    expect((await call('member', 'GET', `/deployments/${deployment.id}`)).status).toBe(404);
    expect((await call('member', 'GET', `/deployments/${deployment.id}/events`)).status).toBe(404);
    expect((await page(cookies.member, `/deployments/${deployment.id}`)).status).toBe(404);
    expect((await page(cookies.member, `/deployments/${deployment.id}/events`)).status).toBe(404);
    for (const q of [`#${deployment.id}`, 'ledger', 'vault', 'vault/ledger', 'vault/', 'led', 'deploy ledger', 'rollback vault/ledger', 'logs led', '']) {
      const answer = await call('member', 'GET', `/palette?q=${encodeURIComponent(q)}`);
      expect(answer.status).toBe(200);
      expect(JSON.stringify(answer.json), q).not.toMatch(/ledger|vault/);
      // The page says the query back ("No match for …"); it must offer nothing of vault.
      expect((await page(cookies.member, `/palette?q=${encodeURIComponent(q)}`)).text, q).not.toMatch(/\/projects\/vault|services\/ledger|in vault|\/deployments\//);
    }
    // Signed out: nothing at all.
    expect((await app.request(`/api/v1/deployments/${deployment.id}`)).status).toBe(401);
    expect((await app.request(`/api/v1/palette?q=vault`)).status).toBe(401);
    expect((await app.request(`/deployments/${deployment.id}/events`)).status).toBe(303);
  });
});

describe('users, members and tokens', () => {
  it('a leaked read API token cannot mint tokens, manage users, or reach a page; a member cannot touch members or the last owner', async () => {
    const token = (await deps.db.selectFrom('api_tokens').select('id').orderBy('id').executeTakeFirstOrThrow()).id; // the owner's
    // The member's token leaked is a read token (an admin token may mint, and what it mints goes with it: tokens.test.ts).
    await deps.db.updateTable('api_tokens').set({ scope: 'read' }).where('user_id', '=', member.id).execute();
    for (const [method, path, body] of [
      ['POST', '/tokens', { name: 'more' }],
      ['POST', '/account/tokens', { name: 'more' }],
      ['POST', '/users', { email: 'x@example.com', role: 'owner', password: 'long-enough-pass' }],
      ['DELETE', '/users/o@example.com', undefined],
      ['POST', '/users/o@example.com/password', { password: 'long-enough-pass' }],
      ['POST', '/projects/shop/members', { email: 'm@example.com' }],
      ['DELETE', '/projects/shop/members/m@example.com', undefined],
      ['GET', '/projects/shop/members', undefined],
      ['DELETE', `/tokens/${token}`, undefined],
    ] as const) {
      // An API route that does not exist falls through to the pages, which want a session (401).
      expect([401, 403, 404], `${method} ${path}`).toContain((await call('member', method, path, body)).status);
    }
    // A token is no session: the Account page's form refuses it, and no token was made.
    const leaked = await createApiToken(deps.db, member.id, 'leaked');
    const minted = await app.request('/account/tokens', { method: 'POST', headers: { Authorization: `Bearer ${leaked}`, 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN }, body: 'name=more' });
    expect(minted.status).toBe(401);
    expect((await deps.db.selectFrom('api_tokens').select('name').execute()).map((t) => t.name).sort()).toEqual(['leaked', 't', 't']);
    // The owner's token still works; still one owner; no user was added.
    expect((await call('owner', 'GET', '/tokens')).status).toBe(200);
    expect((await deps.db.selectFrom('users').select('email').orderBy('email').execute()).map((u) => u.email)).toEqual(['m@example.com', 'o@example.com']);
    // The web forms, with a valid CSRF token: refused to a member, and the last owner stays.
    expect((await post(cookies.member, '/users', { email: 'x@example.com', role: 'owner', password: 'long-enough-pass' })).status).toBe(403);
    expect((await post(cookies.member, '/users/o@example.com/remove', {})).status).toBe(403);
    expect((await post(cookies.member, `/account/tokens/${token}/revoke`, {})).status).toBe(404);
    expect((await post(cookies.member, '/projects/shop/members/m@example.com/remove', {})).status).toBe(403);
    expect((await post(cookies.owner, '/users/o@example.com/remove', {})).status).toBe(403);
    expect((await post(cookies.owner, '/users', { email: 'x@example.com', role: 'owner' }, { csrf: 'forged-token-value' })).status).toBe(403);
    expect((await call('owner', 'GET', '/users')).json.users.map((u: { email: string }) => u.email)).toEqual(['m@example.com', 'o@example.com']);
  });
});
