// `spur user …` and `spur token create` on the server call the same operations as the Users and
// Account pages (users/accounts.ts): the same refusals, and roles as the page offers them.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tokenCreate, userAdd, userList, userPassword, userRemove } from './server-commands.js';

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
