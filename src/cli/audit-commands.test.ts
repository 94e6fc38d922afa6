// `spur audit` and `spur audit verify` against the real API (createApp served on a local port):
// entries one per line or as JSON lines, the CLI named as the door, and exit 1 on a broken chain.
import { serve } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { makeTestApp, ownerAndMember } from '../../test/app-fixture.js';
import { auditCommands } from './audit-commands.js';
import { commands } from './commands.js';
import { domainCommands } from './domain-commands.js';

let deps: Deps;
let server: ReturnType<typeof serve>;
let env: NodeJS.ProcessEnv;
beforeEach(async () => {
  const made = await makeTestApp();
  deps = made.deps;
  const { tokens } = await ownerAndMember(deps);
  server = await new Promise((resolve) => {
    const s = serve({ fetch: made.app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  env = { SPUR_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, SPUR_TOKEN: tokens.owner, HOME: '/nonexistent' };
});
afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

const run = async (command: (argv: string[], io: any) => Promise<void>, argv: string[]) => {
  const out: string[] = [];
  await command(argv, { env, stdout: (l: string) => out.push(l), stderr: () => {} });
  return out;
};

describe('spur audit', () => {
  it('prints the project’s entries newest first (with --json, the API’s page of them), naming the CLI and its address', async () => {
    await run(commands.project, ['create', 'shop']);
    await run(commands.service, ['create', 'shop', 'web', '--image', 'nginx']);
    await run(commands.vars, ['set', 'shop', 'web', 'API_KEY=s3cret-value']);
    const lines = await run(auditCommands.audit, ['--project', 'shop', '--json', '--action', 'variables']);
    expect(lines).toHaveLength(1);
    const { entries } = JSON.parse(lines[0]);
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatchObject({ action: 'variables.change', actor: { kind: 'token', email: 'o@example.com' }, via: 'cli', address: '127.0.0.1', after: { API_KEY: '(set)' } });
    const [line] = await run(auditCommands.audit, ['--project', 'shop', '--action', 'variables']);
    expect(line).toMatch(/^\S+Z\to@example\.com \(owner\)\tvariables\.change service shop\/web \(production\)\tok\tvia cli from 127\.0\.0\.1\t\{"API_KEY":"\(set\)"\}$/);
    expect(lines.join('\n')).not.toContain('s3cret-value');
  });

  it('verify says the chain is intact, or where it breaks with exit code 1', async () => {
    await run(commands.project, ['create', 'shop']);
    await run(commands.service, ['create', 'shop', 'web', '--image', 'nginx']);
    for (const v of ['1', '2']) await run(commands.vars, ['set', 'shop', 'web', `A=${v}`]);
    // The project, the service and the two changes.
    expect(await run(auditCommands.audit, ['verify'])).toEqual(['chain intact: 4 entries']);
    await sql.raw('DROP TRIGGER audit_entries_append_only').execute(deps.db);
    await sql.raw(`UPDATE audit_entries SET "after" = '{"A":"(set)"}' WHERE id = 4`).execute(deps.db);
    const out: string[] = [];
    await expect(auditCommands.audit(['verify'], { env, stdout: (l: string) => out.push(l), stderr: () => {} })).rejects.toMatchObject({ exitCode: 1 });
    expect(out).toEqual(['chain broken at entry 4']);
  });

  it('verify names the entry after one deleted from the middle, and the actor edited in another', async () => {
    await run(commands.project, ['create', 'shop']);
    await run(commands.service, ['create', 'shop', 'web', '--image', 'nginx']);
    for (const v of ['1', '2']) await run(commands.vars, ['set', 'shop', 'web', `A=${v}`]);
    await sql.raw('DROP TRIGGER audit_entries_append_only').execute(deps.db);
    await sql.raw('DELETE FROM audit_entries WHERE id = 2').execute(deps.db);
    const verify = async () => {
      const out: string[] = [];
      const err = await auditCommands.audit(['verify', '--json'], { env, stdout: (l: string) => out.push(l), stderr: () => {} }).catch((e: unknown) => e);
      return [JSON.parse(out[0]), (err as { message: string }).message];
    };
    expect(await verify()).toEqual([{ intact: false, entries: 1, brokenAt: 3 }, "the audit log's chain is broken at entry 3: an entry was changed, removed or moved"]);
  });

  it('--all --json exports every entry as the server’s JSON lines, the entries --json prints a page of', async () => {
    await run(commands.project, ['create', 'shop']);
    await run(commands.service, ['create', 'shop', 'web', '--image', 'nginx']);
    for (const v of ['1', '2', '3']) await run(commands.vars, ['set', 'shop', 'web', `A=${v}`]);
    const all = await run(auditCommands.audit, ['--all', '--json']);
    expect(all.map((l) => JSON.parse(l).action)).toEqual(['variables.change', 'variables.change', 'variables.change', 'service.create', 'project.create']);
    expect(all.map((l) => JSON.parse(l))).toEqual(JSON.parse((await run(auditCommands.audit, ['--json']))[0]).entries);
    expect(await run(auditCommands.audit, ['--all', '--json', '--project', 'shop', '--action', 'service'])).toEqual([all[3]]);
  });

  it('spur instance sets how long the log is kept', async () => {
    expect((await run(domainCommands.instance, ['--audit-retention-days', '45'])).join('\n')).toContain('Audit log:   kept 45 days');
    await expect(run(domainCommands.instance, ['--audit-retention-days', '3'])).rejects.toThrow(/audit retention days/);
    expect((await run(domainCommands.instance, ['--audit-retention-days', 'none'])).join('\n')).toContain('Audit log:   kept for ever');
  });
});
