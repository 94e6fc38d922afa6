// `spur token create --scope --project --expires`, `spur tokens` and `spur token revoke` against
// the real API (createApp served on a local port), and the server console's `spur token create
// --email E --scope …` against a data dir.
import { serve } from '@hono/node-server';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTestApp, ownerAndMember } from '../../test/app-fixture.js';
import { openDatabase } from '../db/open.js';
import { accessCommands } from './access-commands.js';
import { commands } from './commands.js';
import { tokenCreate } from './server-commands.js';

let server: ReturnType<typeof serve>;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  const made = await makeTestApp();
  const { tokens } = await ownerAndMember(made.deps);
  server = await new Promise((resolve) => {
    const s = serve({ fetch: made.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  env = { SPUR_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SPUR_TOKEN: tokens.owner, HOME: '/nonexistent' };
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = async (command: (argv: string[], io: any) => Promise<void>, argv: string[], as = env) => {
  const out: string[] = [];
  const err: string[] = [];
  await command(argv, { env: as, stdout: (l: string) => out.push(l), stderr: (l: string) => err.push(l) });
  return { out, err };
};

describe('spur token create / tokens / token revoke', () => {
  it('creates a deploy token of one project that expires, prints its secret once, lists it, and revokes it', async () => {
    await run(commands.project, ['create', 'shop']);
    await run(commands.project, ['create', 'blog']);
    const made = await run(accessCommands.token, ['create', '--name', 'ci', '--scope', 'deploy', '--project', 'shop', '--expires', '30d']);
    expect(made.out).toHaveLength(1);
    expect(made.out[0]).toMatch(/^spur_[A-Za-z0-9_-]+$/);
    expect(made.err[0]).toMatch(/^Token ci \(\d+\): deploy, shop, expires 20\d\d-\d\d-\d\dT[\d:.]+Z\. Spur does not show it again:$/);
    const listed = (await run(accessCommands.tokens, [])).out[0].split('\n');
    expect(listed).toHaveLength(2);
    expect(listed[1]).toMatch(/^\d+\tci\tdeploy\tshop\texpires 20\S+\tlast used never\tcreated 20\S+$/);
    expect(listed.join('\n')).not.toContain(made.out[0]);
    // The new token reads shop, not blog, and may not make anything.
    const ci = { ...env, SPUR_TOKEN: made.out[0] };
    expect((await run(commands.project, ['list'], ci)).out.join('\n')).not.toContain('blog');
    await expect(run(commands.project, ['create', 'more'], ci)).rejects.toMatchObject({ message: "this token's scope (deploy) does not allow project.create (HTTP 403)" });
    await expect(run(accessCommands.token, ['create', '--scope', 'read'], ci)).rejects.toMatchObject({ message: "this token's scope (deploy) does not allow tokens.manage (HTTP 403)" });
    const id = listed[1].split('\t')[0];
    expect((await run(accessCommands.token, ['revoke', id])).out).toEqual([`Revoked token ${id}`]);
    await expect(run(commands.project, ['list'], ci)).rejects.toMatchObject({ message: 'invalid API token (HTTP 401)' });
    expect((await run(accessCommands.token, ['list', '--json'])).out.map((l) => JSON.parse(l).tokens.length)).toEqual([1]);
  });

  it('refuses a scope that is not one and an expiry it cannot read', async () => {
    await expect(run(accessCommands.token, ['create', '--scope', 'root'])).rejects.toMatchObject({ message: 'scope: must be one of read, deploy, admin (HTTP 400)' });
    await expect(run(accessCommands.token, ['create', '--expires', 'tomorrow'])).rejects.toMatchObject({ message: 'expiresIn: use a number of minutes, hours or days: 90m, 12h, 30d (HTTP 400)' });
  });
});

describe('spur token create --email on the server', () => {
  it('mints a limited token when asked (admin, every project, for ever by default)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'spur-tokens-'));
    try {
      const io = { env: { SPUR_DATA_DIR: dir }, stdout: () => {}, stderr: () => {} };
      await tokenCreate(['--email', 'o@example.com'], io);
      await tokenCreate(['--email', 'o@example.com', '--name', 'r', '--scope', 'read', '--expires', '12h'], io);
      await expect(tokenCreate(['--email', 'o@example.com', '--project', 'nope'], io)).rejects.toMatchObject({ message: 'there is no project nope' });
      const db = await openDatabase(join(dir, 'spur.db'));
      const rows = await db.selectFrom('api_tokens').select(['name', 'scope', 'project_id', 'expires_at']).orderBy('id').execute();
      await db.destroy();
      expect(rows.map((r) => [r.name, r.scope, r.project_id, r.expires_at === null])).toEqual([['cli', 'admin', null, true], ['r', 'read', null, false]]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
