// Counts attempts per key in a sliding window (logins and setup claims per client address).
// `attempt` checks and records in one synchronous step, before any async work, so parallel
// requests cannot all pass the check before the first failure is recorded.

export class AttemptLimiter {
  private readonly attempts = new Map<string, number[]>();

  constructor(private readonly opts: { max: number; windowMs: number; now?: () => number }) {}

  private recent(key: string): number[] {
    const now = (this.opts.now ?? Date.now)();
    const list = (this.attempts.get(key) ?? []).filter((t) => now - t < this.opts.windowMs);
    if (list.length) this.attempts.set(key, list);
    else this.attempts.delete(key);
    return list;
  }

  /** Records an attempt unless the key is already at its limit; false means refuse it. */
  attempt(key: string): boolean {
    const recent = this.recent(key);
    if (recent.length >= this.opts.max) return false;
    this.attempts.set(key, [...recent, (this.opts.now ?? Date.now)()]);
    return true;
  }

  /** A successful attempt does not count; it takes back only its own record, so a valid login
   *  cannot wipe out the failures recorded for other guesses from the same address. */
  refund(key: string): void {
    const recent = this.recent(key);
    recent.pop();
    if (recent.length) this.attempts.set(key, recent);
    else this.attempts.delete(key);
  }
}
