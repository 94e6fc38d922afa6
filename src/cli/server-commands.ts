// Commands run on the server itself, against its data dir (no HTTP): minting API tokens and
// setting a user's password, adding and removing users.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { InvalidInput } from '../errors.js';
import { hashPassword } from '../secrets.js';
import { setupTokenPath } from '../setup-token.js';
import { createApiToken, createFirstOwner, createUser, findUserByEmail, removeUser, setPassword } from '../store/users.js';
import * as validate from '../validate.js';
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

function emailOption(argv: string[], usage: string): { email: string; json: boolean; name?: string } {
  const { values } = parseArgs({ args: argv, options: { email: { type: 'string' }, name: { type: 'string' }, json: { type: 'boolean' } }, strict: true });
  if (!values.email) throw new CliError(`usage: ${usage}`, 2);
  try {
    return { email: validate.email(values.email), json: !!values.json, name: values.name };
  } catch (err) {
    if (err instanceof InvalidInput) throw new CliError(err.message, 2);
    throw err;
  }
}

/** `spur token create --email E`: a new API token for E; with no users yet, E becomes the owner. */
export async function tokenCreate(argv: string[], io: CliIo): Promise<void> {
  const { email, json, name } = emailOption(argv, 'spur token create --email E [--name N]');
  const token = await withDb(io, async (db) => {
    let user = await findUserByEmail(db, email);
    if (!user) {
      user = await createFirstOwner(db, { email, passwordHash: null });
      if (!user) throw new CliError(`there is no user ${email}`);
      rmSync(setupTokenPath(loadConfig(io.env).dataDir), { force: true });
      io.stderr(`Created ${email} as the owner. Set a password for the web UI with: spur user password --email ${email}`);
    }
    return createApiToken(db, user.id, name ?? 'cli');
  });
  io.stdout(json ? JSON.stringify({ email, token }) : token);
}

/** `spur user password --email E`: sets E's password from standard input. */
export async function userPassword(argv: string[], io: CliIo, readStdin: () => Promise<string>): Promise<void> {
  const { email } = emailOption(argv, 'spur user password --email E  (password on standard input)');
  const password = (await readStdin()).replace(/\r?\n$/, '');
  let hash: string;
  try {
    hash = await hashPassword(validate.password(password));
  } catch (err) {
    if (err instanceof InvalidInput) throw new CliError(err.message, 2);
    throw err;
  }
  await withDb(io, async (db) => {
    const user = await findUserByEmail(db, email);
    if (!user) throw new CliError(`there is no user ${email}`);
    await setPassword(db, user.id, hash);
  });
  io.stdout(`Password set for ${email}; their browser sessions have ended`);
}

/** `spur user add --email E`: a member, who sees only the projects they are added to. */
export async function userAdd(argv: string[], io: CliIo): Promise<void> {
  const { email, json } = emailOption(argv, 'spur user add --email E');
  await withDb(io, (db) => createUser(db, { email, passwordHash: null, role: 'member' }).catch((err) => {
    throw new CliError(err.message);
  }));
  io.stdout(json ? JSON.stringify({ email, role: 'member' }) : `Added ${email}. Mint their API token with: spur token create --email ${email}`);
}

/** `spur user remove --email E`: E loses every session, API token, SSH key and membership. */
export async function userRemove(argv: string[], io: CliIo): Promise<void> {
  const { email, json } = emailOption(argv, 'spur user remove --email E');
  await withDb(io, async (db) => {
    const user = await findUserByEmail(db, email);
    if (!user) throw new CliError(`there is no user ${email}`);
    if (!(await removeUser(db, user.id))) throw new CliError(`${email} is the only owner; make another owner first`);
  });
  io.stdout(json ? JSON.stringify({ removed: email }) : `Removed ${email}, with their sessions, API tokens, SSH keys and memberships`);
}
