// `spur service create --deploy`: the service is created and its first deployment queued in one
// call (the API's `deploy: true`), then followed as `spur deploy` follows; without it, only created.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commands } from './commands.js';

/** A stand-in API: records what reaches it, answers a creation (with a deployment when asked)
 *  and a deployment that already finished. */
const received: { method?: string; url?: string; body: string }[] = [];
const deployment = { id: 7, status: 'active', commitSha: null, commitMessage: null, failureReason: null };
const api = createServer((req, res) => {
  let body = '';
  req.on('data', (c: Buffer) => (body += c.toString('utf8')));
  req.on('end', () => {
    received.push({ method: req.method, url: req.url, body });
    if (req.url === '/api/v1/deployments/7/events') {
      res.setHeader('Content-Type', 'text/event-stream');
      return res.end('event: status\ndata: {"status":"active","reason":null}\n\n');
    }
    res.setHeader('Content-Type', 'application/json');
    if (req.url === '/api/v1/deployments/7') return res.end(JSON.stringify({ deployment }));
    const asked = JSON.parse(body || '{}') as { name: string; deploy?: boolean };
    res.statusCode = 201;
    res.end(JSON.stringify({ service: { name: asked.name, source: { type: 'image' } }, ...(asked.deploy ? { deployment: { ...deployment, status: 'queued' } } : {}) }));
  });
});
let env: NodeJS.ProcessEnv;
beforeAll(async () => {
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  env = { SPUR_URL: `http://127.0.0.1:${(api.address() as AddressInfo).port}`, SPUR_TOKEN: 't' };
});
afterAll(() => new Promise<void>((resolve) => api.close(() => resolve())));

const run = async (argv: string[]) => {
  const out: string[] = [];
  received.length = 0;
  await commands.service(argv, { env, stdout: (l: string) => out.push(l), stderr: () => {} });
  return out;
};

describe('spur service create', () => {
  it('--deploy asks the API to deploy too, and follows the deployment to its end', async () => {
    const out = await run(['create', 'shop', 'web', '--image', 'nginx:1.27', '--deploy']);
    expect(JSON.parse(received[0].body)).toMatchObject({ name: 'web', image: 'nginx:1.27', deploy: true });
    expect(out[0]).toBe('Created service web in shop; deploying it to production');
    expect(out).toContain('Deployment 7 queued');
    expect(received.map((r) => r.url)).toContain('/api/v1/deployments/7/events');
  });

  it('without --deploy it only creates, and says how to deploy', async () => {
    const out = await run(['create', 'shop', 'web', '--image', 'nginx:1.27']);
    expect(JSON.parse(received[0].body).deploy).toBeUndefined();
    expect(out).toEqual(['Created service web in shop; deploy it with: spur deploy shop web']);
    expect(received).toHaveLength(1);
  });
});
