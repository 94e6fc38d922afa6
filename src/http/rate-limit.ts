// Counts failures per key in a sliding window (failed logins per client address).

export class FailureLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(private readonly opts: { max: number; windowMs: number; now?: () => number }) {}

  private recent(key: string): number[] {
    const now = (this.opts.now ?? Date.now)();
    const list = (this.failures.get(key) ?? []).filter((t) => now - t < this.opts.windowMs);
    if (list.length) this.failures.set(key, list);
    else this.failures.delete(key);
    return list;
  }

  blocked(key: string): boolean {
    return this.recent(key).length >= this.opts.max;
  }

  fail(key: string): void {
    this.failures.set(key, [...this.recent(key), (this.opts.now ?? Date.now)()]);
  }

  reset(key: string): void {
    this.failures.delete(key);
  }
}
