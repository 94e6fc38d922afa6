// At most N builds at once per server (the manager, or the build server): the rest wait their turn
// in the order they asked, and a cancelled wait gives its place up. Work that must not overlap a
// build (pruning the build cache) runs while a server is otherwise idle, builds asking meanwhile
// waiting for it.

export class BuildSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();
  private readonly closed = new Set<string>();

  constructor(readonly perServer: number) {}

  /** Waits for a slot on `server`; `onWait` is called once if it has to. Resolves to the release. */
  async acquire(server: string, opts: { signal?: AbortSignal; onWait?: () => Promise<void> | void } = {}): Promise<() => void> {
    if (this.closed.has(server) || this.busy(server) >= this.perServer) {
      await opts.onWait?.();
      await new Promise<void>((resolve, reject) => {
        const queue = this.waiting.get(server) ?? [];
        const turn = () => {
          opts.signal?.removeEventListener('abort', abort);
          resolve();
        };
        const abort = () => {
          queue.splice(queue.indexOf(turn), 1);
          reject(opts.signal!.reason);
        };
        queue.push(turn);
        this.waiting.set(server, queue);
        opts.signal?.addEventListener('abort', abort, { once: true });
        if (opts.signal?.aborted) abort();
      });
    } else {
      this.running.set(server, this.busy(server) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.running.set(server, this.busy(server) - 1);
      this.dispatch(server);
    };
  }

  /** Builds holding a slot on `server` now. */
  busy(server: string): number {
    return this.running.get(server) ?? 0;
  }

  /** Runs `work` if no build but the caller's `held` ones runs on `server`, builds asking
   *  meanwhile waiting until it ends; answers undefined, without running it, otherwise. */
  async whileAlone<T>(server: string, held: number, work: () => Promise<T>): Promise<T | undefined> {
    if (this.busy(server) > held || this.closed.has(server)) return undefined;
    this.closed.add(server);
    try {
      return await work();
    } finally {
      this.closed.delete(server);
      this.dispatch(server);
    }
  }

  /** Hands free slots to those waiting, in order. */
  private dispatch(server: string): void {
    const queue = this.waiting.get(server) ?? [];
    while (!this.closed.has(server) && this.busy(server) < this.perServer && queue.length) {
      this.running.set(server, this.busy(server) + 1);
      queue.shift()!();
    }
  }
}
