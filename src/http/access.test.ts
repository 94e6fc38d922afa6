// App tier: who may change who has access, and who may raise a service's build limits.
// Membership is the owner's: a member of a project can neither add nor remove members, and the
// refusal is the same whether the email belongs to a user or not. A member may lower a service's
// build limits; going above the server's SPUR_BUILD_* takes the owner.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { addProjectMember } from '../store/access.js';
import { createUser } from '../store/users.js';
import type { createApp } from './app.js';
import { ORIGIN, type apiAs, shopWithWeb } from '../../test/app-fixture.js';

let deps: Deps;
let app: ReturnType<typeof createApp>;
let call: ReturnType<typeof apiAs>;
let memberCookie = '';

beforeEach(async () => {
  let member: { id: number };
  let cookies: { member: string };
  ({ deps, app, call, cookies, member } = await shopWithWeb());
  memberCookie = cookies.member;
  await addProjectMember(deps.db, (await deps.db.selectFrom('projects').select('id').executeTakeFirstOrThrow()).id, member.id);
  await createUser(deps.db, { email: 'known@example.com', passwordHash: 'x', role: 'member' });
});

const membersOf = async () =>
  (await deps.db.selectFrom('project_members').innerJoin('users', 'users.id', 'project_members.user_id').select('users.email').orderBy('users.email').execute()).map((r) => r.email);

describe('project membership (issue 25, item 8)', () => {
  it('is refused to a member, with one answer for known and unknown emails, and changes nothing', async () => {
    const known = await call('member', 'POST', '/projects/shop/members', { email: 'known@example.com' });
    const unknown = await call('member', 'POST', '/projects/shop/members', { email: 'nobody@example.com' });
    expect(known.status).toBe(403);
    expect(known.json).toEqual({ error: 'only an admin may add, change or remove project members' });
    expect(unknown).toEqual(known);
    const removeKnown = await call('member', 'DELETE', '/projects/shop/members/o@example.com');
    const removeSelf = await call('member', 'DELETE', '/projects/shop/members/m@example.com');
    const removeUnknown = await call('member', 'DELETE', '/projects/shop/members/nobody@example.com');
    expect(removeKnown).toEqual(known);
    expect(removeSelf).toEqual(known);
    expect(removeUnknown).toEqual(known);
    expect(await membersOf()).toEqual(['m@example.com', 'o@example.com']);
  });

  it('is refused with 403 even for a malformed email (no validation message tells a member anything)', async () => {
    expect(await call('member', 'POST', '/projects/shop/members', { email: 'not an email' })).toEqual({ status: 403, json: { error: 'only an admin may add, change or remove project members' } });
  });

  it('stays the owner’s: adds and removes, and says when there is no such user', async () => {
    expect((await call('owner', 'POST', '/projects/shop/members', { email: 'known@example.com' })).status).toBe(201);
    expect(await membersOf()).toEqual(['known@example.com', 'm@example.com', 'o@example.com']);
    expect((await call('owner', 'DELETE', '/projects/shop/members/known@example.com')).status).toBe(200);
    expect(await membersOf()).toEqual(['m@example.com', 'o@example.com']);
    expect((await call('owner', 'POST', '/projects/shop/members', { email: 'nobody@example.com' })).status).toBe(404);
  });

  it('of a project the caller cannot see is not found, for a member', async () => {
    expect((await call('owner', 'POST', '/projects', { name: 'private' })).status).toBe(201);
    expect((await call('member', 'POST', '/projects/private/members', { email: 'known@example.com' })).status).toBe(404);
  });
});

describe('build limits (issue 25, item 9): server SPUR_BUILD_* are 2048 MiB, 1 CPU, 1800 s', () => {
  const build = async () => (await call('owner', 'GET', '/projects/shop/services/web')).json.settings.build;

  it('a member may lower them, and clear them back to the server default', async () => {
    const res = await call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 1024, buildCpus: 0.5, buildTimeout: 600 });
    expect(res.status).toBe(200);
    expect(await build()).toEqual({ memoryMb: 1024, cpus: 0.5, timeoutS: 600 });
    expect((await call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 2048, buildCpus: 1, buildTimeout: 1800 })).status).toBe(200);
    expect((await call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: '', buildCpus: '', buildTimeout: '' })).status).toBe(200);
    expect(await build()).toEqual({ memoryMb: null, cpus: null, timeoutS: null });
  });

  it('a member is refused each one above the server’s, with a 403 that says the owner may, and nothing changes', async () => {
    for (const [field, value, words] of [
      ['buildMemory', 4 * 1024 * 1024, "build memory above the server's 2048 MiB"],
      ['buildCpus', 256, "build CPUs above the server's 1 CPU"],
      ['buildTimeout', 86_400, "build timeout above the server's 1800 s"],
    ] as const) {
      const res = await call('member', 'PATCH', '/projects/shop/services/web/settings', { [field]: value, replicas: 3 });
      expect(res.status, field).toBe(403);
      expect(res.json.error).toBe(`only an owner may set the ${words}`);
    }
    expect(await build()).toEqual({ memoryMb: null, cpus: null, timeoutS: null });
    expect((await call('owner', 'GET', '/projects/shop/services/web')).json.settings.replicas).toBe(1);
  });

  it('the owner may go above; a member may then lower that and save other settings, not raise it further', async () => {
    expect((await call('owner', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 8192, buildCpus: 4, buildTimeout: 7200 })).status).toBe(200);
    expect(await build()).toEqual({ memoryMb: 8192, cpus: 4, timeoutS: 7200 });
    // The settings form sends the values it shows back: the owner's raise stays a member's to keep.
    expect((await call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 8192, buildCpus: 4, buildTimeout: 7200, replicas: 2 })).status).toBe(200);
    expect((await call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 4096 })).status).toBe(200);
    expect((await call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 8192 })).status).toBe(403);
    expect(await build()).toEqual({ memoryMb: 4096, cpus: 4, timeoutS: 7200 });
  });

  it('is refused to a member through the settings form too', async () => {
    const page = await (await app.request('/projects/shop/services/web/settings', { headers: { Cookie: memberCookie } })).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const res = await app.request('/projects/shop/services/web/settings', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: memberCookie },
      body: new URLSearchParams({ buildMemory: '1048576', _csrf: csrf }).toString(),
    });
    expect(res.status).toBe(403);
    expect(await res.text()).toMatch(/only an owner may set the build memory above the server(&#39;|')s 2048 MiB/);
    expect(await build()).toEqual({ memoryMb: null, cpus: null, timeoutS: null });
  });

  it("keeps an owner's lowering when members send the old raised value at the same moment", async () => {
    expect((await call('owner', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 8192 })).status).toBe(200);
    const results = await Promise.all([
      call('owner', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 1024 }),
      ...Array.from({ length: 5 }, () => call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 8192 })),
    ]);
    expect(results[0].status).toBe(200);
    // Each member's save either came first (and was then lowered) or was refused.
    expect(results.slice(1).every((r) => r.status === 200 || r.status === 403)).toBe(true);
    expect((await build()).memoryMb).toBe(1024);
  });

  it('lets no member through when ten raise it at once', async () => {
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call('member', 'PATCH', '/projects/shop/services/web/settings', { buildMemory: 4096 + i })));
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(403));
    expect(await build()).toEqual({ memoryMb: null, cpus: null, timeoutS: null });
  });
});
