// `spur user …` and `spur token create` on the server call the same operations as the Users and
// Account pages (users/accounts.ts): the same refusals, and roles as the page offers them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenCreate, userAdd, userList, userPassword, userRemove, userTwoFactorReset } from './server-commands.js';

let dir: string;
let out: string[];
const io = () => ({ env: { SPUR_DATA_DIR: dir }, stdout: (t: string) => out.push(t), stderr: () => {} });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'spur-users-'));
  out = [];
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('spur user on the server', () => {
  it('adds with a role, lists, sets a password and removes, never the only owner', async () => {
    await tokenCreate(['--email', 'o@example.com'], io());
    await userAdd(['--email', 'Ana@Example.com', '--role', 'owner', '--json'], io());
    expect(JSON.parse(out.at(-1)!)).toEqual({ email: 'ana@example.com', role: 'owner' });
    await expect(userAdd(['--email', 'x@example.com', '--role', 'admin'], io())).rejects.toMatchObject({ message: 'role: must be one of member, owner', exitCode: 2 });
    await expect(userAdd(['--email', 'ana@example.com'], io())).rejects.toMatchObject({ message: 'ana@example.com already has an account', exitCode: 2 });
    await expect(userPassword(['--email', 'ana@example.com'], io(), async () => 'short\n')).rejects.toMatchObject({ message: 'password: must be at least 10 characters', exitCode: 2 });
    await userPassword(['--email', 'ana@example.com'], io(), async () => 'long enough now\n');
    await userList([], io());
    expect(out.at(-1)).toMatch(/^ana@example\.com\towner\tpassword set\tlast active never\no@example\.com\towner\tno password\tlast active never$/);
    await userRemove(['--email', 'o@example.com'], io());
    await expect(userRemove(['--email', 'ana@example.com'], io())).rejects.toMatchObject({ message: 'ana@example.com is the only owner; make another owner first' });
    await expect(userRemove(['--email', 'nobody@example.com'], io())).rejects.toMatchObject({ message: 'there is no user nobody@example.com' });
  });
});

describe('spur user two-factor-reset on the server', () => {
  it("turns off a user's two-factor sign-in (an owner who lost phone and codes), recorded as the server console", async () => {
    const { openDatabase } = await import('../db/open.js');
    const { findUserByEmail } = await import('../store/users.js');
    await tokenCreate(['--email', 'o@example.com'], io());
    const db = await openDatabase(join(dir, 'spur.db'));
    const owner = (await findUserByEmail(db, 'o@example.com'))!;
    await db.insertInto('two_factor').values({ user_id: owner.id, secret_sealed: 'v1.x.y.z', enabled_at: new Date().toISOString(), last_step: null, created_at: new Date().toISOString() }).execute();
    await db.destroy();
    await userTwoFactorReset(['--email', 'o@example.com'], io());
    expect(out.at(-1)).toBe('Two-factor sign-in of o@example.com is off; they sign in with their password and can set it up again');
    await expect(userTwoFactorReset(['--email', 'o@example.com'], io())).rejects.toMatchObject({ message: 'o@example.com does not have two-factor sign-in on' });
    const again = await openDatabase(join(dir, 'spur.db'));
    expect(await again.selectFrom('two_factor').selectAll().execute()).toEqual([]);
    expect((await again.selectFrom('audit_entries').selectAll().where('action', '=', 'two-factor.reset').execute()).map((e) => [e.actor_kind, e.actor_email, e.via, e.object_name])).toEqual([['system', 'server console', 'cli', 'o@example.com']]);
    await again.destroy();
  });
});
