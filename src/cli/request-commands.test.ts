// `spur deploy` into a protected environment says the deploy was requested (and does not wait for
// a deployment); `spur approve <id>` finds the request's project and approves it there.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands as basicCommands } from './commands.js';
import { requestCommands } from './request-commands.js';

const received: string[] = [];
const request = { id: 7, kind: 'deploy', environment: 'production', service: 'web', requester: 'd@example.com', status: 'pending', summary: {}, createdAt: 'now', expiresAt: 'later', decidedBy: null, reason: null, deployment: null };
const api = createServer((req, res) => {
  received.push(`${req.method} ${req.url}`);
  res.setHeader('Content-Type', 'application/json');
  const answer = (status: number, body: unknown) => ((res.statusCode = status), res.end(JSON.stringify(body)));
  if (req.url === '/api/v1/projects/shop/services/web/deployments') return answer(202, { request, message: 'Deploy requested: an admin must approve (request #7)' });
  if (req.url === '/api/v1/projects') return answer(200, { projects: [{ name: 'blog' }, { name: 'shop' }] });
  if (req.url === '/api/v1/projects/blog/requests') return answer(200, { requests: [] });
  if (req.url === '/api/v1/projects/shop/requests') return answer(200, { requests: [request] });
  if (req.url === '/api/v1/projects/shop/requests/7/approve') return answer(200, { request: { ...request, status: 'approved', decidedBy: 'a@example.com', deployment: 12 } });
  answer(404, { error: 'not here' });
});
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  env = { SPUR_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, SPUR_TOKEN: 't' };
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

const run = async (command: (argv: string[], io: never) => Promise<void>, argv: string[]) => {
  const out: string[] = [];
  received.length = 0;
  await command(argv, { env, stdout: (l: string) => out.push(l), stderr: () => {} } as never);
  return out.join('\n');
};

describe('requests on the command line', () => {
  it('spur deploy says the deploy waits for an admin', async () => {
    expect(await run(basicCommands.deploy, ['shop', 'web'])).toBe('Deploy requested: an admin must approve (request #7). See it with: spur requests <project>');
  });

  it('spur approve <id> finds the project and says what ran', async () => {
    expect(await run(requestCommands.approve, ['7'])).toBe('Request #7 (deploy in shop/production) approved: deployment #12 queued');
    expect(received).toEqual(['GET /api/v1/projects', 'GET /api/v1/projects/blog/requests', 'GET /api/v1/projects/shop/requests', 'POST /api/v1/projects/shop/requests/7/approve']);
  });

  it('spur requests lists them', async () => {
    expect(await run(requestCommands.requests, ['shop'])).toBe('#7\tpending\tproduction\tweb\tdeploy\tby d@example.com\tnow');
  });
});
