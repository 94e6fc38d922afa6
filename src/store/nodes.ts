// Servers enrolled into Spur's Swarm, and Spur's own SSH key for reaching them (made once, its
// private half sealed).
import { isUniqueViolation } from '../db/errors.js';
import type { Db } from '../db/open.js';
import type { NodeRecord } from '../db/schema.js';
import { Conflict } from '../errors.js';
import { seal, unseal } from '../secrets.js';
import { generateSshKeyPair, repairEd25519Key, sshKeyProblem } from '../ssh-keys.js';
import { nowIso } from './time.js';

const NODE_KEY = 'node_key';

export interface NodeKey {
  /** OpenSSH private key. */
  privateKey: string;
  /** The `ssh-ed25519 AAAA… spur` line for a server's authorized_keys. */
  publicKey: string;
}

/** Spur's key for its servers: made the first time it is asked for, the same ever after (one an
 *  older Spur wrote faultily is rewritten from the same seed, once). */
export async function nodeKey(db: Db, key: Buffer): Promise<NodeKey> {
  const stored = await db.selectFrom('settings').select('value').where('key', '=', NODE_KEY).executeTakeFirst();
  if (stored) return usableNodeKey(db, key, JSON.parse(unseal(key, stored.value)) as NodeKey);
  const pair = generateSshKeyPair('spur');
  const made: NodeKey = { privateKey: pair.private, publicKey: pair.public };
  await db.insertInto('settings').values({ key: NODE_KEY, value: seal(key, JSON.stringify(made)) }).onConflict((oc) => oc.doNothing()).execute();
  // Two first asks at once keep the one stored first.
  const kept = await db.selectFrom('settings').select('value').where('key', '=', NODE_KEY).executeTakeFirstOrThrow();
  return JSON.parse(unseal(key, kept.value)) as NodeKey;
}

async function usableNodeKey(db: Db, key: Buffer, stored: NodeKey): Promise<NodeKey> {
  if (!sshKeyProblem(stored.privateKey)) return stored;
  const repaired = repairEd25519Key(stored.privateKey);
  if (!repaired) throw new Error("Spur's SSH key for its servers cannot be read; remove the node_key setting and enrol the servers again");
  const made: NodeKey = { privateKey: repaired.private, publicKey: repaired.public };
  await db.updateTable('settings').set({ value: seal(key, JSON.stringify(made)) }).where('key', '=', NODE_KEY).execute();
  return made;
}

export async function createNodeRecord(db: Db, input: { name: string; host: string; port: number; user: string }): Promise<NodeRecord> {
  try {
    return await db.transaction().execute(async (tx) => {
      // A server whose enrollment failed is tried again by adding it again.
      await tx.deleteFrom('nodes').where('status', '=', 'failed').where((eb) => eb.or([eb('name', '=', input.name), eb.and([eb('host', '=', input.host), eb('port', '=', input.port)])])).execute();
      const same = await tx.selectFrom('nodes').select('name').where('host', '=', input.host).where('port', '=', input.port).executeTakeFirst();
      if (same) throw new Conflict(`${input.host}:${input.port} is already enrolled as ${same.name}`);
      return tx.insertInto('nodes').values({ ...input, status: 'enrolling', created_at: nowIso() }).returningAll().executeTakeFirstOrThrow();
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw new Conflict(`a server named ${input.name} is already enrolled`);
    throw err;
  }
}

export const listNodes = (db: Db) => db.selectFrom('nodes').selectAll().orderBy('name').execute();
export const findNode = (db: Db, name: string) => db.selectFrom('nodes').selectAll().where('name', '=', name).executeTakeFirst();

export async function appendNodeLog(db: Db, id: number, line: string): Promise<void> {
  const node = await db.selectFrom('nodes').select('log').where('id', '=', id).executeTakeFirstOrThrow();
  await db.updateTable('nodes').set({ log: node.log + line + '\n' }).where('id', '=', id).execute();
}

export async function updateNode(db: Db, id: number, change: Partial<Pick<NodeRecord, 'status' | 'error' | 'host_key_fingerprint' | 'swarm_node_id' | 'build_server'>>): Promise<NodeRecord> {
  return db.updateTable('nodes').set(change).where('id', '=', id).returningAll().executeTakeFirstOrThrow();
}

/** Forgets the server, with the records of its build cache. */
export async function removeNodeRecord(db: Db, id: number): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const node = await tx.selectFrom('nodes').select('name').where('id', '=', id).executeTakeFirst();
    if (node) await tx.deleteFrom('build_cache_images').where('server', '=', node.name).execute();
    await tx.deleteFrom('nodes').where('id', '=', id).execute();
  });
}

/** Marks the server where builds run, or none (the manager builds): one at a time. */
export async function markBuildServer(db: Db, id: number | null): Promise<void> {
  await db.transaction().execute(async (tx) => {
    await tx.updateTable('nodes').set({ build_server: 0 }).where('build_server', '=', 1).execute();
    if (id !== null) await tx.updateTable('nodes').set({ build_server: 1 }).where('id', '=', id).execute();
  });
}
