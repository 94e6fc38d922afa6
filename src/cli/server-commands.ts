// Commands run on the server itself, against its data dir (no HTTP): minting API tokens and
// setting a user's password, adding and removing users (src/users/accounts.ts, as the UI and API do).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { InvalidFields, InvalidInput, NotFound, SpurError } from '../errors.js';
import { parseExpiry } from '../actions/tokens.js';
import { findProject } from '../store/projects.js';
import { setupTokenPath } from '../setup-token.js';
import { createFirstOwner, findUserByEmail } from '../store/users.js';
import { SERVER_CONSOLE, addUser, deleteUser, listUsers, mintToken, resetPassword } from '../users/accounts.js';
import * as validate from '../validate.js';
import { resetTwoFactor } from '../actions/two-factor.js';
import { CliError } from './client.js';
import type { CliIo } from './shared.js';

async function withDb<T>(io: CliIo, fn: (db: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>): Promise<T> {
  const db = await openDatabase(join(loadConfig(io.env).dataDir, 'spur.db'));
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

const TOKEN_LIMITS = { scope: { type: 'string' }, project: { type: 'string' }, expires: { type: 'string' } } as const;

function emailOption(argv: string[], usage: string, limits = false): { email: string; json: boolean; name?: string; role?: string; scope?: string; project?: string; expires?: string } {
  const { values } = parseArgs({ args: argv, options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, json: { type: 'boolean' }, ...(limits ? TOKEN_LIMITS : {}) }, strict: true });
  if (!values.email) throw new CliError(`usage: ${usage}`, 2);
  const text = (v: unknown) => (typeof v === 'string' ? v : undefined);
  try {
    return { email: validate.email(values.email), json: !!values.json, name: values.name, role: values.role, scope: text(values.scope), project: text(values.project), expires: text(values.expires) };
  } catch (err) {
    if (err instanceof InvalidInput) throw new CliError(err.message, 2);
    throw err;
  }
}

/** `spur token create --email E [--scope S] [--project P] [--expires 30d]`: a new API token for E
 *  (admin, every project, for ever, unless limited); with no users yet, E becomes the owner. */
export async function tokenCreate(argv: string[], io: CliIo): Promise<void> {
  const usage = 'spur token create --email E [--name N] [--scope read|deploy|admin] [--project P] [--expires 30d]';
  const { email, json, name, ...values } = emailOption(argv, usage, true);
  const token = await withDb(io, async (db) => {
    let user = await findUserByEmail(db, email);
    if (!user) {
      user = await createFirstOwner(db, { email, passwordHash: null });
      if (!user) throw new CliError(`there is no user ${email}`);
      rmSync(setupTokenPath(loadConfig(io.env).dataDir), { force: true });
      io.stderr(`Created ${email} as the owner. Set a password for the web UI with: spur user password --email ${email}`);
    }
    return (
      await asCli(async () => {
        const scope = validate.optional(values.scope, validate.tokenScope) ?? 'admin';
        const expiresAt = parseExpiry({ expiresIn: values.expires }, new Date());
        let projectId: number | null = null;
        if (values.project !== undefined) {
          const project = await findProject(db, validate.resourceName('project', values.project));
          if (!project) throw new NotFound(`there is no project ${values.project}`);
          projectId = project.id;
        }
        return mintToken(db, user.id, name, { scope, projectId, expiresAt });
      })
    ).token;
  });
  io.stdout(json ? JSON.stringify({ email, token }) : token);
}

/** The shared operations' refusals as the CLI says them: refused input exits 2, the rest 1. */
async function asCli<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof InvalidInput || err instanceof InvalidFields) throw new CliError(err.message, 2);
    if (err instanceof SpurError) throw new CliError(err.message);
    throw err;
  }
}

/** `spur user password --email E`: sets E's password from standard input. */
export async function userPassword(argv: string[], io: CliIo, readStdin: () => Promise<string>): Promise<void> {
  const { email } = emailOption(argv, 'spur user password --email E  (password on standard input)');
  const password = (await readStdin()).replace(/\r?\n$/, '');
  await withDb(io, (db) => asCli(() => resetPassword(db, email, password)));
  io.stdout(`Password set for ${email}; their browser sessions have ended`);
}

/** `spur user add --email E [--role member|owner]`: a member sees only the projects they are added to. */
export async function userAdd(argv: string[], io: CliIo): Promise<void> {
  const { email, json, role } = emailOption(argv, 'spur user add --email E [--role member|owner]');
  const user = await withDb(io, (db) => asCli(() => addUser(db, { email, role })));
  io.stdout(json ? JSON.stringify({ email: user.email, role: user.role }) : `Added ${user.email} (${user.role}). Set their password with: spur user password --email ${user.email}; mint their API token with: spur token create --email ${user.email}`);
}

/** `spur user remove --email E`: E loses every session, API token, SSH key and membership. */
export async function userRemove(argv: string[], io: CliIo): Promise<void> {
  const { email, json } = emailOption(argv, 'spur user remove --email E');
  await withDb(io, (db) => asCli(() => deleteUser(db, SERVER_CONSOLE, email)));
  io.stdout(json ? JSON.stringify({ removed: email }) : `Removed ${email}, with their sessions, API tokens, SSH keys and memberships`);
}

/** `spur user two-factor-reset --email E`: turns off E's two-factor sign-in (recorded). */
export async function userTwoFactorReset(argv: string[], io: CliIo): Promise<void> {
  const { email } = emailOption(argv, 'spur user two-factor-reset --email E');
  await withDb(io, (db) => asCli(() => resetTwoFactor({ db }, SERVER_CONSOLE, email)));
  io.stdout(`Two-factor sign-in of ${email} is off; they sign in with their password and can set it up again`);
}

/** `spur user list`: every user with role, whether they can sign in, and last activity. */
export async function userList(argv: string[], io: CliIo): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' } }, strict: true });
  const users = await withDb(io, (db) => listUsers(db));
  io.stdout(values.json ? JSON.stringify(users) : users.map((u) => `${u.email}\t${u.role}\t${u.canSignIn ? 'password set' : 'no password'}\tlast active ${u.lastActiveAt ?? 'never'}`).join('\n'));
}
