// Pushes in flight: Spur hands receive-pack a one-time token; the pre-receive hook presents it
// to say which user pushes to which service.
import { randomToken } from '../secrets.js';

export interface PushSession {
  userEmail: string;
  userId: number;
  /** The pusher's role in the project (the door looked it up), as the audit log names it. */
  userRole: string;
  /** The pusher's address, for the audit log. */
  address: string;
  projectId: number;
  serviceId: number;
  repoDir: string;
}

export class PushSessions {
  private readonly sessions = new Map<string, PushSession>();

  open(session: PushSession): string {
    const token = randomToken();
    this.sessions.set(token, session);
    return token;
  }

  find(token: unknown): PushSession | undefined {
    return typeof token === 'string' ? this.sessions.get(token) : undefined;
  }

  close(token: string): void {
    this.sessions.delete(token);
  }
}
