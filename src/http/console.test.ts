// App tier: the console's door. Only a project's admins (and owners) open it; its WebSocket opens
// only from Spur's own page with the session's token (a browser opens a WebSocket to any origin,
// cookies and all); every refusal is in the audit log.
import { describe, expect, it } from 'vitest';
import { createSession } from '../store/users.js';
import { ORIGIN, teamWorld } from '../../test/app-fixture.js';

async function world() {
  const w = await teamWorld();
  const sessions: Record<string, { token: string; csrfToken: string }> = {};
  for (const who of ['owner', 'admin', 'developer', 'viewer', 'outsider']) {
    const user = await w.deps.db.selectFrom('users').select('id').where('email', '=', `${who}@example.com`).executeTakeFirstOrThrow();
    sessions[who] = await createSession(w.deps.db, user.id);
  }
  const get = (who: string, path: string, headers: Record<string, string> = {}) => w.app.request(path, { headers: { Cookie: `spur_session=${sessions[who]!.token}`, ...headers } });
  const refusals = async () => Number((await w.deps.db.selectFrom('audit_entries').select((eb) => eb.fn.countAll<number>().as('n')).where('outcome', '=', 'refused').where('action', '=', 'console.open').executeTakeFirstOrThrow()).n);
  return { ...w, sessions, get, refusals };
}

describe('the console', () => {
  it("is an admin's: a developer and a viewer are refused (403), someone of another project finds nothing (404), each in the audit log", async () => {
    const w = await world();
    const page = '/projects/shop/services/web/console';
    for (const [who, status] of [['developer', 403], ['viewer', 403], ['outsider', 404]] as const) {
      const before = await w.refusals();
      const res = await w.get(who, page);
      expect(res.status, who).toBe(status);
      expect(await w.refusals(), who).toBe(before + 1);
    }
    // Past the door, an admin is told Docker is away here (the test world has none).
    expect((await w.get('admin', page)).status).toBe(503);
  });

  it('opens its WebSocket only from its own page with the session token', async () => {
    const w = await world();
    w.deps.daemon = { ready: true, state: { reachable: true, swarm: true } } as unknown as typeof w.deps.daemon;
    const socket = (token: string) => `/projects/shop/services/web/console/socket?token=${encodeURIComponent(token)}`;
    const own = w.sessions.admin!.csrfToken;
    for (const [origin, token] of [['https://evil.example', own], [ORIGIN, 'guessed'], [undefined, own]] as const) {
      const res = await w.get('admin', socket(token), origin ? { Origin: origin, Upgrade: 'websocket' } : { Upgrade: 'websocket' });
      expect(res.status, `${origin} ${token}`).toBe(403);
      expect(await res.text()).toContain('a console opens only from its page in Spur');
    }
    // A developer never gets as far as the origin: the door refuses first.
    expect((await w.get('developer', socket(w.sessions.developer!.csrfToken), { Origin: ORIGIN, Upgrade: 'websocket' })).status).toBe(403);
  });
});
