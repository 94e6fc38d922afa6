import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTestDeps } from '../../test/app-fixture.js';
import { createProject } from '../store/projects.js';
import { createService } from '../store/services.js';
import { createUser } from '../store/users.js';
import { startPushReceiver } from './push-receiver.js';
import { PushSessions } from './push-sessions.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** What the pre-receive hook would hear for these updates. */
function post(socketPath: string, body: unknown): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath, path: '/push', method: 'POST', headers: { 'Content-Type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(text));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('a git push over SSH', () => {
  it('is refused as a webhook is while Docker is not ready, asking for no deployment', async () => {
    const deps = await makeTestDeps();
    const asked: unknown[] = [];
    deps.deployer = { ...deps.deployer, request: async (input) => {
      asked.push(input);
      throw new Error('a deployment was requested');
    } };
    const user = await createUser(deps.db, { email: 'o@example.com', passwordHash: 'x', role: 'owner' });
    const project = await createProject(deps.db, 'shop', user.id);
    const service = await createService(deps.db, { project, name: 'api', source: { type: 'push', branch: 'main' } });
    const dir = mkdtempSync(join(tmpdir(), 'spur-push-'));
    dirs.push(dir);
    const sessions = new PushSessions();
    const token = sessions.open({ userEmail: user.email, userId: user.id, userRole: user.role, address: '192.0.2.1', projectId: project.id, serviceId: service.id, repoDir: join(dir, 'repo.git') });
    const server = await startPushReceiver({ ...deps, sessions }, join(dir, 'hook.sock'));
    try {
      const answer = await post(join(dir, 'hook.sock'), { token, updates: [{ oldSha: '0'.repeat(40), newSha: 'a'.repeat(40), ref: 'refs/heads/main' }], objectEnv: {} });
      expect(answer).toBe('spur: Docker is not reachable (test).\nspur-result: failed\n');
      expect(asked).toEqual([]);
    } finally {
      server.close();
    }
  });
});
