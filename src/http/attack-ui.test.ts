// App tier: the issue 26 UI rework as a tenant, a signed-out visitor and the holder of a leaked API
// token would attack it. Each test names what it tries; each refusal is what must hold.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import type { createApp } from './app.js';
import { ORIGIN, type apiAs, shopWithWeb } from './test-app.js';

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
