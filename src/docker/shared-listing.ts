// A Docker listing shared by the pages that show it: taken at most once per `maxAgeMs`, callers
// arriving while it is taken wait for the same one, and while pages keep asking it is taken again
// ahead of time (in the last `AHEAD_MS` of its age), so that no page waits for Docker and none is
// shown a listing older than `maxAgeMs`. Not earlier: a listing can be a large answer to parse.

/** How long before a listing is too old the next one is taken, while pages keep asking: longer than Docker takes to list. */
export const AHEAD_MS = 500;

export class SharedListing<T> {
  private snapshot: { at: number; tookMs: number; value: T } | undefined;
  private taking: Promise<T> | undefined;

  constructor(private readonly list: () => Promise<T>, private readonly maxAgeMs: number) {}

  async get(): Promise<T> {
    const age = this.snapshot ? Date.now() - this.snapshot.at : Infinity;
    if (this.snapshot && age < this.maxAgeMs) {
      // Not when Docker is slow to list: listings would follow one another while pages ask.
      if (age >= this.maxAgeMs - Math.min(AHEAD_MS, this.maxAgeMs / 2) && this.snapshot.tookMs < AHEAD_MS) this.takeOnce().catch(() => {});
      return this.snapshot.value;
    }
    return this.takeOnce();
  }

  private takeOnce(): Promise<T> {
    this.taking ??= this.take().finally(() => (this.taking = undefined));
    return this.taking;
  }

  private async take(): Promise<T> {
    const askedAt = Date.now();
    const value = await this.list();
    this.snapshot = { at: askedAt, tookMs: Date.now() - askedAt, value };
    return value;
  }
}
