// Invitations and members, through the API and the link's page: single use, expiring, revocable,
// bound to one project, one role and one email, never above the inviter; concurrent accepts of
// one link (one wins); mailed through a real SMTP server (smtp-server) when the owner set one;
// members' since and last seen; leaving; never without the last admin.
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { SMTPServer } from 'smtp-server';
import { afterEach, describe, expect, it } from 'vitest';
import { ORIGIN, teamWorld } from '../../test/app-fixture.js';
import { createSession } from '../store/users.js';

type World = Awaited<ReturnType<typeof teamWorld>>;

/** What an invitation can change: members, invitations, and users (not their last-seen time). */
async function state(w: World): Promise<string> {
  const rows = async (q: ReturnType<typeof sql>) => (await q.execute(w.deps.db)).rows;
  return JSON.stringify({
    members: await rows(sql`select * from project_members order by project_id, user_id`),
    invitations: await rows(sql`select * from invitations order by id`),
    users: await rows(sql`select id, email, role, password_hash from users order by id`),
  });
}

const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
/** Posts the link's form, as a browser without a session (or with `cookie`). */
const post = (w: World, path: string, fields: Record<string, string>, cookie?: string) =>
  w.app.request(path, { method: 'POST', headers: { Origin: ORIGIN, 'Content-Type': 'application/x-www-form-urlencoded', ...(cookie ? { Cookie: cookie } : {}) }, body: form(fields) });
const pathOf = (link: string) => new URL(link).pathname;
const auditActions = async (w: World, outcome: 'allowed' | 'refused' = 'allowed') => (await w.deps.db.selectFrom('audit_entries').select(['action', 'actor_email', 'role', 'after']).where('outcome', '=', outcome).where('action', 'like', 'members.%').orderBy('id').execute());
const memberOf = async (w: World, project: string, email: string) =>
  (await w.deps.db.selectFrom('project_members').innerJoin('users', 'users.id', 'project_members.user_id').innerJoin('projects', 'projects.id', 'project_members.project_id').select('project_members.role').where('projects.name', '=', project).where('users.email', '=', email).executeTakeFirst())?.role;
const cookieOf = async (w: World, email: string) => {
  const user = await w.deps.db.selectFrom('users').select('id').where('email', '=', email).executeTakeFirstOrThrow();
  return `spur_session=${(await createSession(w.deps.db, user.id)).token}`;
};

async function invited(w: World, who: string, body: Record<string, unknown>, project = 'shop') {
  const res = await w.call(who, 'POST', `/projects/${project}/invitations`, body);
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { invitation: { id: number; email: string; role: string; invitedBy: string; expiresAt: string }; emailed: boolean; link: string; mailError: string | null };
}

describe('an invitation', () => {
  it('is made by an owner, listed, and its link makes a new person a member with that role, once', async () => {
    const w = await teamWorld();
    const made = await invited(w, 'owner', { email: 'Ana@Example.com', role: 'viewer' });
    expect(made).toMatchObject({ invitation: { email: 'ana@example.com', role: 'viewer', invitedBy: 'owner@example.com' }, emailed: false, mailError: null });
    expect(made.link).toMatch(/^http:\/\/localhost\/invite\/shop\/[A-Za-z0-9_-]{43}$/);
    const days = (Date.parse(made.invitation.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);
    // Only the token's hash is kept.
    const token = made.link.split('/').at(-1)!;
    expect(JSON.stringify(await w.deps.db.selectFrom('invitations').selectAll().execute())).not.toContain(token);
    expect((await w.call('admin', 'GET', '/projects/shop/invitations')).json.invitations).toContainEqual(expect.objectContaining({ id: made.invitation.id, email: 'ana@example.com', role: 'viewer', invitedBy: 'owner@example.com' }));

    const page = await w.app.request(pathOf(made.link));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('as a <strong>viewer</strong>');
    const accepted = await post(w, pathOf(made.link), { password: 'a-long-password' });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.get('Location')).toBe('/projects/shop');
    const cookie = accepted.headers.get('Set-Cookie')!.split(';')[0];
    expect(await memberOf(w, 'shop', 'ana@example.com')).toBe('viewer');
    expect((await w.app.request('/projects/shop', { headers: { Cookie: cookie } })).status).toBe(200);
    expect((await w.app.request('/projects/blog', { headers: { Cookie: cookie } })).status).toBe(404);
    expect((await w.call('admin', 'GET', '/projects/shop/invitations')).json.invitations.map((i: { id: number }) => i.id)).not.toContain(made.invitation.id);
    expect((await w.call('admin', 'GET', '/projects/shop/members')).json.members).toContainEqual(expect.objectContaining({ email: 'ana@example.com', role: 'viewer', since: expect.any(String) }));

    // Used: the same link again changes nothing.
    const before = await state(w);
    const again = await post(w, pathOf(made.link), { password: 'another-password' });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain('this invitation was already used');
    expect((await w.app.request(pathOf(made.link))).status).toBe(409);
    expect(await state(w)).toBe(before);
    expect((await auditActions(w)).map((e) => [e.action, e.actor_email, e.role])).toEqual([
      ['members.invite', 'owner@example.com', 'owner'],
      ['members.accept', 'ana@example.com', 'viewer'],
    ]);
  });

  it('expired, revoked, for another project, garbled or tampered with: a clear 4xx and nothing changes', async () => {
    const w = await teamWorld();
    const expired = await invited(w, 'owner', { email: 'e@example.com', role: 'developer' });
    await w.deps.db.updateTable('invitations').set({ expires_at: new Date(Date.now() - 1000).toISOString() }).where('id', '=', expired.invitation.id).execute();
    const revoked = await invited(w, 'owner', { email: 'r@example.com', role: 'developer' });
    expect((await w.call('admin', 'DELETE', `/projects/shop/invitations/${revoked.invitation.id}`)).json).toMatchObject({ revoked: { id: revoked.invitation.id, email: 'r@example.com' } });
    expect((await w.call('admin', 'DELETE', `/projects/shop/invitations/${revoked.invitation.id}`)).status).toBe(404);
    const good = await invited(w, 'owner', { email: 'g@example.com', role: 'viewer' });
    const goodToken = good.link.split('/').at(-1)!;
    const before = await state(w);
    const cases: [string, number, string][] = [
      [pathOf(expired.link), 409, 'this invitation has expired'],
      [pathOf(revoked.link), 409, 'this invitation was revoked'],
      [`/invite/blog/${goodToken}`, 404, 'this invitation link is not valid'],
      [`/invite/nosuch/${goodToken}`, 404, 'this invitation link is not valid'],
      // One character changed (always: a token that ends in A gets a B).
      [`/invite/shop/${goodToken.slice(0, -1)}${goodToken.endsWith('A') ? 'B' : 'A'}`, 404, 'this invitation link is not valid'],
      ['/invite/shop/short', 404, 'this invitation link is not valid'],
    ];
    for (const [path, status, words] of cases) {
      const res = await post(w, path, { password: 'a-long-password' });
      expect(res.status, path).toBe(status);
      expect(await res.text(), path).toContain(words);
    }
    expect(await state(w)).toBe(before);
    // A revoked invitation is in the log; anything the holder sends beyond the password is not read.
    expect((await auditActions(w)).map((e) => e.action)).toContain('members.invite-revoke');
    const tampered = await post(w, `${pathOf(good.link)}?role=admin&project=blog`, { password: 'a-long-password', role: 'admin', email: 'boss@example.com', project: 'blog' });
    expect(tampered.status).toBe(303);
    expect(await memberOf(w, 'shop', 'g@example.com')).toBe('viewer');
    expect(await memberOf(w, 'blog', 'g@example.com')).toBeUndefined();
    expect(await w.deps.db.selectFrom('users').select('email').where('email', '=', 'boss@example.com').executeTakeFirst()).toBeUndefined();
  });

  it('never gives more than the inviter has: a developer or viewer cannot invite, an outsider sees no project, "owner" is no role', async () => {
    const w = await teamWorld();
    const before = await state(w);
    expect(await w.call('developer', 'POST', '/projects/shop/invitations', { email: 'x@example.com', role: 'viewer' })).toEqual({ status: 403, json: { error: 'only an admin may add, change or remove project members' } });
    expect((await w.call('viewer', 'POST', '/projects/shop/invitations', { email: 'x@example.com', role: 'viewer' })).status).toBe(403);
    expect((await w.call('outsider', 'POST', '/projects/shop/invitations', { email: 'x@example.com', role: 'viewer' })).status).toBe(404);
    expect((await w.call('admin', 'POST', '/projects/blog/invitations', { email: 'x@example.com', role: 'viewer' })).status).toBe(404);
    expect(await w.call('admin', 'POST', '/projects/shop/invitations', { email: 'x@example.com', role: 'owner' })).toEqual({ status: 400, json: { error: 'role: must be one of admin, developer, viewer' } });
    expect((await w.call('developer', 'GET', '/projects/shop/invitations')).status).toBe(403);
    expect((await w.call('developer', 'DELETE', `/projects/shop/invitations/${w.ids.shop.invitation}`)).status).toBe(403);
    // An admin's invitation id of another project is not theirs to revoke.
    expect((await w.call('admin', 'DELETE', `/projects/shop/invitations/${w.ids.blog.invitation}`)).status).toBe(404);
    expect(await state(w)).toBe(before);
    // An admin may invite an admin (their own role), the owner any role.
    expect((await invited(w, 'admin', { email: 'outsider@example.com', role: 'admin' })).invitation.role).toBe('admin');
    expect((await invited(w, 'owner', { email: 'a3@example.com', role: 'admin' }, 'blog')).invitation.role).toBe('admin');
  });

  it('makes an account only from an owner or by email: a member who makes a project cannot mint accounts for others\' emails', async () => {
    const w = await teamWorld();
    // Any member may create a project and is its admin there; without an email server the link would be shown to them.
    expect((await w.call('developer', 'POST', '/projects', { name: 'mine' })).status).toBe(201);
    const before = await state(w);
    const refused = await w.call('developer', 'POST', '/projects/mine/invitations', { email: 'cfo@corp.example', role: 'viewer' });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(refused.json)).toContain('there is no account for cfo@corp.example: without an email server only an owner invites someone new');
    expect(await state(w)).toBe(before);
    expect(await w.deps.db.selectFrom('users').select('id').where('email', '=', 'cfo@corp.example').executeTakeFirst()).toBeUndefined();
    // Someone who already has an account is invited with the link shown: they sign in to accept it.
    expect((await w.call('developer', 'POST', '/projects/mine/invitations', { email: 'viewer@example.com', role: 'viewer' })).json.link).toMatch(/\/invite\/mine\//);
  });

  it('is worth no more than its inviter still may give: an admin demoted or removed since leaves their links powerless', async () => {
    const w = await teamWorld();
    const made = await invited(w, 'admin', { email: 'outsider@example.com', role: 'admin' }, 'shop');
    await w.call('owner', 'POST', '/projects/shop/members', { email: 'admin@example.com', role: 'developer' });
    const before = await state(w);
    const cookie = await cookieOf(w, 'outsider@example.com');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await w.app.request(pathOf(made.link), { headers: { Cookie: cookie } })).text())![1];
    const res = await post(w, pathOf(made.link), { _csrf: csrf }, cookie);
    expect(res.status).toBe(409);
    expect(await res.text()).toContain('whoever invited you may no longer give the role admin in shop');
    expect(await state(w)).toBe(before);
    expect(await memberOf(w, 'shop', 'outsider@example.com')).toBeUndefined();
  });

  it('of one link accepted by concurrent requests: exactly one wins', async () => {
    const w = await teamWorld();
    const made = await invited(w, 'owner', { email: 'race@example.com', role: 'developer' });
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => post(w, pathOf(made.link), { password: `a-long-password-${i}` })));
    expect(answers.map((r) => r.status).sort()).toEqual([303, 409, 409, 409, 409, 409, 409, 409]);
    expect(await w.deps.db.selectFrom('users').select('id').where('email', '=', 'race@example.com').execute()).toHaveLength(1);
    expect((await auditActions(w)).filter((e) => e.action === 'members.accept')).toHaveLength(1);
    // Signed-in users too: the invited one accepts once.
    const twice = await invited(w, 'admin', { email: 'outsider@example.com', role: 'viewer' });
    const cookie = await cookieOf(w, 'outsider@example.com');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await w.app.request(pathOf(twice.link), { headers: { Cookie: cookie } })).text())![1];
    const both = await Promise.all([1, 2, 3].map(() => post(w, pathOf(twice.link), { _csrf: csrf }, cookie)));
    expect(both.map((r) => r.status).sort()).toEqual([303, 409, 409]);
    expect(await memberOf(w, 'shop', 'outsider@example.com')).toBe('viewer');
  });

  it('is accepted by the invited email only: signed in as another user, or without signing in to an existing account, nothing changes', async () => {
    const w = await teamWorld();
    const made = await invited(w, 'admin', { email: 'outsider@example.com', role: 'developer' });
    const before = await state(w);
    const bystander = await cookieOf(w, 'bystander@example.com');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(await (await w.app.request(pathOf(made.link), { headers: { Cookie: bystander } })).text());
    expect(csrf).toBeNull(); // the page tells them to log out instead
    const other = await post(w, pathOf(made.link), {}, bystander);
    expect(other.status).toBe(403);
    const noAccount = await post(w, pathOf(made.link), { password: 'take-over-the-account' });
    expect(noAccount.status).toBe(409);
    expect(await noAccount.text()).toContain('there is already an account for outsider@example.com');
    const short = await invited(w, 'owner', { email: 'new@example.com', role: 'viewer' });
    const shortBefore = await state(w);
    const refused = await post(w, pathOf(short.link), { password: 'short' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('password: must be at least 10 characters');
    expect(await state(w)).toBe(shortBefore);
    expect(JSON.parse(shortBefore).invitations.length).toBe(JSON.parse(before).invitations.length + 1);
    // The invited user, signed in, accepts with their form token.
    const own = await cookieOf(w, 'outsider@example.com');
    const token = /name="_csrf" value="([^"]+)"/.exec(await (await w.app.request(pathOf(made.link), { headers: { Cookie: own } })).text())![1];
    expect((await post(w, pathOf(made.link), { _csrf: 'wrong' }, own)).status).toBe(403);
    expect((await post(w, pathOf(made.link), { _csrf: token }, own)).status).toBe(303);
    expect(await memberOf(w, 'shop', 'outsider@example.com')).toBe('developer');
  });
});

describe('members', () => {
  it('are listed with role, since and last seen; a member leaves; the last admin can be neither removed, demoted nor leave', async () => {
    const w = await teamWorld();
    // The owner made shop and so is one of its admins; they leave it to its admin.
    expect(await w.call('owner', 'POST', '/projects/shop/leave')).toEqual({ status: 200, json: { left: 'shop' } });
    await w.call('developer', 'GET', '/me');
    const members = (await w.call('admin', 'GET', '/projects/shop/members')).json.members as { email: string; role: string; lastSeenAt: string | null }[];
    expect(members.find((m) => m.email === 'developer@example.com')).toMatchObject({ role: 'developer', lastSeenAt: expect.stringMatching(/^\d{4}-/) });
    expect(await w.call('developer', 'POST', '/projects/shop/leave')).toEqual({ status: 200, json: { left: 'shop' } });
    expect(await memberOf(w, 'shop', 'developer@example.com')).toBeUndefined();
    expect((await w.call('developer', 'GET', '/projects/shop')).status).toBe(404);
    expect((await w.call('developer', 'POST', '/projects/shop/leave')).status).toBe(404);

    const before = await state(w);
    expect(await w.call('admin', 'POST', '/projects/shop/leave')).toEqual({ status: 409, json: { error: 'you are the last admin of shop; make another member an admin before leaving' } });
    expect(await w.call('admin', 'POST', '/projects/shop/members', { email: 'admin@example.com', role: 'viewer' })).toEqual({ status: 409, json: { error: 'admin@example.com is the last admin of shop; make another member an admin before making them a viewer' } });
    expect(await w.call('owner', 'DELETE', '/projects/shop/members/admin%40example.com')).toEqual({ status: 409, json: { error: 'admin@example.com is the last admin of shop; make another member an admin before removing them' } });
    expect(await state(w)).toBe(before);
    // With a second admin, the first may go.
    expect((await w.call('admin', 'POST', '/projects/shop/members', { email: 'viewer@example.com', role: 'admin' })).status).toBe(201);
    expect((await w.call('admin', 'POST', '/projects/shop/leave')).status).toBe(200);
    expect(await w.call('viewer', 'DELETE', '/projects/shop/members/viewer%40example.com')).toEqual({ status: 409, json: { error: 'viewer@example.com is the last admin of shop; make another member an admin before removing them' } });
    expect((await auditActions(w)).map((e) => e.action)).toEqual(['members.leave', 'members.leave', 'members.role', 'members.leave']);
  });

  it('leaving concurrently: two admins cannot both leave the project adminless', async () => {
    const w = await teamWorld();
    expect((await w.call('owner', 'POST', '/projects/shop/leave')).status).toBe(200);
    expect((await w.call('admin', 'POST', '/projects/shop/members', { email: 'developer@example.com', role: 'admin' })).status).toBe(201);
    const answers = await Promise.all(['admin', 'developer'].map((who) => w.call(who, 'POST', '/projects/shop/leave')));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const admins = await w.deps.db.selectFrom('project_members').innerJoin('projects', 'projects.id', 'project_members.project_id').select('user_id').where('projects.name', '=', 'shop').where('role', '=', 'admin').execute();
    expect(admins).toHaveLength(1);
  });
});

describe('invitations by email', () => {
  const servers: SMTPServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise((done) => s.close(() => done(undefined)))));
  });

  /** A real SMTP server on a free local port that keeps what it receives and checks the login. */
  async function smtpServer() {
    const received: { to: string[]; text: string }[] = [];
    const server = new SMTPServer({
      authOptional: false,
      allowInsecureAuth: true,
      disabledCommands: ['STARTTLS'],
      onAuth: (auth, _session, done) => (auth.username === 'spur' && auth.password === 'smtp-secret-pw' ? done(null, { user: 'spur' }) : done(new Error('bad login'))),
      onData: (stream, session, done) => {
        const chunks: Buffer[] = [];
        stream.on('data', (c: Buffer) => chunks.push(c));
        stream.on('end', () => {
          received.push({ to: session.envelope.rcptTo.map((r) => r.address), text: Buffer.concat(chunks).toString('utf8') });
          done();
        });
      },
    });
    servers.push(server);
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', () => done()));
    return { port: (server.server.address() as AddressInfo).port, received };
  }

  it('is mailed through the SMTP server the owner set (its password sealed, never shown or logged), and its link works', async () => {
    const w = await teamWorld();
    const smtp = await smtpServer();
    const set = await w.call('owner', 'PATCH', '/settings', { smtp: { host: '127.0.0.1', port: smtp.port, user: 'spur', password: 'smtp-secret-pw', from: 'spur@example.com', tls: 'none' } });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    expect(set.json.smtp).toEqual({ host: '127.0.0.1', port: smtp.port, user: 'spur', from: 'spur@example.com', tls: 'none' });
    expect(JSON.stringify(await w.deps.db.selectFrom('settings').selectAll().execute())).not.toContain('smtp-secret-pw');
    expect(JSON.stringify(await w.deps.db.selectFrom('audit_entries').selectAll().execute())).not.toContain('smtp-secret-pw');
    expect((await w.call('admin', 'PATCH', '/settings', { smtp: null })).status).toBe(403);

    const made = await invited(w, 'admin', { email: 'mail@example.com', role: 'developer' });
    expect(made).toMatchObject({ emailed: true, link: null, mailError: null });
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0].to).toEqual(['mail@example.com']);
    const text = smtp.received[0].text.replace(/=\r?\n/g, '');
    expect(text).toContain('admin@example.com invites you to the project shop on Spur as a developer');
    const link = /http:\/\/localhost\/invite\/shop\/[A-Za-z0-9_-]{43}/.exec(text)![0];
    expect((await post(w, pathOf(link), { password: 'a-long-password' })).status).toBe(303);
    expect(await memberOf(w, 'shop', 'mail@example.com')).toBe('developer');

    // The password may be left out to keep it; a server that refuses: the link is shown, saying why.
    expect((await w.call('owner', 'PATCH', '/settings', { smtp: { host: '127.0.0.1', port: smtp.port, user: 'spur', from: 'spur@example.com', tls: 'none' } })).status).toBe(200);
    expect((await invited(w, 'admin', { email: 'kept@example.com', role: 'viewer' })).emailed).toBe(true);
    expect((await w.call('owner', 'PATCH', '/settings', { smtp: { host: '127.0.0.1', port: smtp.port, user: 'spur', password: 'wrong-password', from: 'spur@example.com', tls: 'none' } })).status).toBe(200);
    const failed = await invited(w, 'owner', { email: 'fail@example.com', role: 'viewer' });
    expect(failed).toMatchObject({ emailed: false, link: expect.stringMatching(/^http:\/\/localhost\/invite\/shop\//) });
    expect(failed.mailError).toMatch(/^the email to fail@example.com could not be sent \(.+\); copy the link and send it yourself$/);
    expect(smtp.received).toHaveLength(2);
    // An admin's invitation that would make an account goes by email only: not sent, not made, no link.
    const adminFailed = await w.call('admin', 'POST', '/projects/shop/invitations', { email: 'fail2@example.com', role: 'viewer' });
    expect(adminFailed.status).toBe(400);
    expect(JSON.stringify(adminFailed.json)).toContain('an invitation that makes an account goes by email only');
    expect((await w.call('admin', 'GET', '/projects/shop/invitations')).json.invitations.map((i: { email: string }) => i.email)).not.toContain('fail2@example.com');
  });
});

describe('the Members and Settings pages', () => {
  const page = async (w: World, who: string, path: string, init: RequestInit = {}) => {
    const res = await w.app.request(path, { ...init, headers: { Origin: ORIGIN, Cookie: await cookieOf(w, `${who}@example.com`), ...(init.headers as Record<string, string>) } });
    return { status: res.status, text: await res.text(), res };
  };
  const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)![1];
  const formPost = async (w: World, who: string, path: string, fields: Record<string, string>) => {
    const cookie = await cookieOf(w, `${who}@example.com`);
    const csrf = csrfOf(await (await w.app.request(`/projects/shop/members`, { headers: { Cookie: cookie } })).text());
    return w.app.request(path, { method: 'POST', headers: { Origin: ORIGIN, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: form({ _csrf: csrf, ...fields }) });
  };

  it('an admin invites (the link shown once), sees pending invitations, revokes, changes a role; a viewer may only leave', async () => {
    const w = await teamWorld();
    const members = await page(w, 'admin', '/projects/shop/members');
    expect(members.status).toBe(200);
    expect(members.text).toContain('Invite someone');
    expect(members.text).toContain('developer@example.com');
    const made = await formPost(w, 'owner', '/projects/shop/invitations', { email: 'page@example.com', role: 'developer' });
    expect(made.status).toBe(201);
    expect(made.headers.get('Cache-Control')).toBe('no-store');
    const html = await made.text();
    const link = /<code id="invitation-link">([^<]+)<\/code>/.exec(html)![1];
    expect(link).toMatch(/^http:\/\/localhost\/invite\/shop\//);
    expect(html).toContain('No email server is set up');
    expect((await page(w, 'admin', '/projects/shop/members')).text).not.toContain(link);
    const refused = await formPost(w, 'admin', '/projects/shop/invitations', { email: 'not-an-email', role: 'developer' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain('email: is not an email address');
    const id = (await w.deps.db.selectFrom('invitations').select('id').where('email', '=', 'page@example.com').executeTakeFirstOrThrow()).id;
    const revoked = await formPost(w, 'admin', `/projects/shop/invitations/${id}/revoke`, {});
    expect(revoked.status).toBe(303);
    expect((await post(w, pathOf(link), { password: 'a-long-password' })).status).toBe(409);
    expect((await formPost(w, 'admin', '/projects/shop/members/developer%40example.com/role', { role: 'viewer' })).status).toBe(303);
    expect(await memberOf(w, 'shop', 'developer@example.com')).toBe('viewer');
    // A viewer's page: only Leave; their invitation post is refused by the door.
    const viewer = await page(w, 'viewer', '/projects/shop/members');
    expect(viewer.status).toBe(200);
    expect(viewer.text).not.toContain('Invite someone');
    expect(viewer.text).toContain('Leave shop');
    expect((await formPost(w, 'viewer', '/projects/shop/invitations', { email: 'x@example.com', role: 'viewer' })).status).toBe(403);
    expect((await page(w, 'outsider', '/projects/shop/members')).status).toBe(404);
    const left = await formPost(w, 'viewer', '/projects/shop/leave', {});
    expect(left.status).toBe(303);
    expect(await memberOf(w, 'shop', 'viewer@example.com')).toBeUndefined();
  });

  it("the owner sets SMTP on the Settings page; the password is never written back into it", async () => {
    const w = await teamWorld();
    const cookie = await cookieOf(w, 'owner@example.com');
    const settings = { text: await (await w.app.request('/settings', { headers: { Cookie: cookie } })).text() };
    expect(settings.text).toContain('Save email settings');
    const saved = await w.app.request('/settings/smtp', { method: 'POST', headers: { Origin: ORIGIN, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: form({ _csrf: csrfOf(settings.text), host: 'smtp.example.com', port: '587', tls: 'starttls', user: 'spur', password: 'page-secret-pw', from: 'spur@example.com' }) });
    expect(saved.status).toBe(303);
    const after = await page(w, 'owner', '/settings');
    expect(after.text).toContain('smtp.example.com');
    expect(after.text).not.toContain('page-secret-pw');
    expect((await w.call('owner', 'GET', '/settings')).json.smtp).toEqual({ host: 'smtp.example.com', port: 587, user: 'spur', from: 'spur@example.com', tls: 'starttls' });
    const bad = await w.app.request('/settings/smtp', { method: 'POST', headers: { Origin: ORIGIN, Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' }, body: form({ _csrf: csrfOf(settings.text), host: 'smtp.example.com; rm', tls: 'starttls', from: 'nope' }) });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('SMTP host: give a host name or an IP address alone');
  });
});
