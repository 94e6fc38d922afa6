// How many live streams one user may hold open at once; each holds a socket, and a log stream a
// Docker logs request too.
import { TooManyRequests } from './errors.js';

export class StreamSlots {
  private readonly open = new Map<number, number>();

  constructor(readonly perUser: number, private readonly what = 'log streams') {}

  /** Takes a slot for the user, or refuses with 429; the returned function gives it back once. */
  take(userId: number): () => void {
    const used = this.open.get(userId) ?? 0;
    if (used >= this.perUser) throw new TooManyRequests(`at most ${this.perUser} ${this.what} may be open at once; close one first`);
    this.open.set(userId, used + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.open.get(userId) ?? 1) - 1;
      if (left) this.open.set(userId, left);
      else this.open.delete(userId);
    };
  }
}
