// Keys an older Spur stored with ssh2's faulty generator (one in about 250 did not read back) are
// rewritten from the same seed when read (node key) or at start (deploy keys).
import { utils } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { makeTestDeps, ownerAndMember } from '../../test/app-fixture.js';
import { seal, unseal } from '../secrets.js';
import { sshKeyProblem } from '../ssh-keys.js';
import { nodeKey } from './nodes.js';
import { createProject } from './projects.js';
import { createService, repairDeployKeys } from './services.js';

function faultyKey() {
  for (let i = 0; i < 50_000; i++) {
    const pair = utils.generateKeyPairSync('ed25519', { comment: 'spur' });
    if (sshKeyProblem(pair.private)) return pair;
  }
  throw new Error('ssh2 made no faulty key in 50000 tries');
}

describe('stored SSH keys', () => {
  it("gives out Spur's node key rewritten when the stored one cannot be read, and stores the mended one", async () => {
    const { db, key } = await makeTestDeps();
    const faulty = faultyKey();
    await db.insertInto('settings').values({ key: 'node_key', value: seal(key, JSON.stringify({ privateKey: faulty.private, publicKey: faulty.public })) }).execute();
    const given = await nodeKey(db, key);
    expect(sshKeyProblem(given.privateKey)).toBeUndefined();
    expect(utils.parseKey(given.publicKey)).not.toBeInstanceOf(Error);
    expect(await nodeKey(db, key)).toEqual(given);
  }, 120_000);

  it('rewrites deploy keys that cannot be read and names their services; readable ones are left as they are', async () => {
    const deps = await makeTestDeps();
    const { db, key } = deps;
    const { owner } = await ownerAndMember(deps);
    const project = await createProject(db, 'shop', owner.id);
    const good = utils.generateKeyPairSync('ed25519', { comment: 'good' });
    const faulty = faultyKey();
    const source = { type: 'git' as const, gitUrl: 'git@example.com:a/b.git' };
    await createService(db, { project, name: 'web', source, credentials: { deployKeyPrivateSealed: seal(key, faulty.private), deployKeyPublic: faulty.public } });
    const api = await createService(db, { project, name: 'api', source, credentials: { deployKeyPrivateSealed: seal(key, good.private), deployKeyPublic: good.public } });
    expect(await repairDeployKeys(db, key)).toEqual(['shop/web']);
    const web = await db.selectFrom('services').selectAll().where('name', '=', 'web').executeTakeFirstOrThrow();
    expect(sshKeyProblem(unseal(key, web.deploy_key_private_sealed!))).toBeUndefined();
    expect(web.deploy_key_public).not.toBe(faulty.public);
    expect(utils.parseKey(web.deploy_key_public!)).not.toBeInstanceOf(Error);
    expect((await db.selectFrom('services').selectAll().where('id', '=', api.id).executeTakeFirstOrThrow()).deploy_key_public).toBe(good.public);
    expect(await repairDeployKeys(db, key)).toEqual([]);
  }, 120_000);
});
