// At most N builds at once per server (the manager, or the build server): the rest wait their turn
// in the order they asked, and a cancelled wait gives its place up.

export class BuildSlots {
  private readonly running = new Map<string, number>();
  private readonly waiting = new Map<string, (() => void)[]>();

  constructor(readonly perServer: number) {}

  /** Builds holding a slot on `server` now. */
  busy(server: string): number {
    return this.running.get(server) ?? 0;
  }

  /** Waits for a slot on `server`; `onWait` is called once if it has to. Resolves to the release. */
  async acquire(server: string, opts: { signal?: AbortSignal; onWait?: () => Promise<void> | void } = {}): Promise<() => void> {
    if ((this.running.get(server) ?? 0) >= this.perServer) {
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
      this.running.set(server, (this.running.get(server) ?? 0) + 1);
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.get(server)?.shift();
      // The slot passes straight to the next in line; with none waiting, it is freed.
      if (next) next();
      else this.running.set(server, (this.running.get(server) ?? 1) - 1);
    };
  }
}
