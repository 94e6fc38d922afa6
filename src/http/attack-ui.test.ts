// App tier: the issue 26 UI rework as a tenant, a signed-out visitor and the holder of a leaked API
// token would attack it. Each test names what it tries; each refusal is what must hold.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { createSession, createUser } from '../store/users.js';
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
