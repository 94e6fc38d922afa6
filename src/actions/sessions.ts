// One's own browser sessions: listed with the device and address each began from, and ended —
// one, or all but the one asking. Only one's own: another user's session id is "not found".
// Each ending is recorded (record.ts); a session's token never leaves the server.
import type { Deps } from '../deps.js';
import { NotFound } from '../errors.js';
import { endOtherSessions, endSession, listSessions } from '../store/sessions.js';
import { describeDevice } from '../users/devices.js';
import type { Actor } from './access.js';
import { audit } from './record.js';

export interface SessionView {
  id: string;
  device: string;
  address: string | null;
  createdAt: string;
  lastSeenAt: string | null;
  /** The session this page was asked from. */
  current: boolean;
}

export async function listOwnSessions(deps: Pick<Deps, 'db'>, user: Actor, currentId: string | null): Promise<SessionView[]> {
  return (await listSessions(deps.db, user.id)).map((s) => ({ id: s.id, device: describeDevice(s.userAgent), address: s.address, createdAt: s.createdAt, lastSeenAt: s.lastSeenAt, current: s.id === currentId }));
}

/** Ends one of the user's own sessions (that browser is signed out on its next request). */
export async function endOwnSession(deps: Pick<Deps, 'db'>, user: Actor, id: string): Promise<void> {
  const session = (await listSessions(deps.db, user.id)).find((s) => s.id === id);
  if (!session || !(await endSession(deps.db, user.id, id))) throw new NotFound('you have no such session');
  await audit(deps, user, 'session.end', { kind: 'session', name: `${describeDevice(session.userAgent)} from ${session.address ?? 'an unknown address'}` });
}

/** Signs out everywhere else: every session of the user but `currentId`. */
export async function endOtherOwnSessions(deps: Pick<Deps, 'db'>, user: Actor, currentId: string): Promise<number> {
  const ended = await endOtherSessions(deps.db, user.id, currentId);
  if (ended > 0) await audit(deps, user, 'session.end', { kind: 'session', name: 'every other session' }, { after: { ended } });
  return ended;
}
