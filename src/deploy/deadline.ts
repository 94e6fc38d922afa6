// A deadline that can stop counting: a build's, which does not run while it waits for its slot.

export class PausableDeadline {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private state: 'running' | 'paused' | 'cleared' = 'paused';
  private since = 0;

  constructor(private remainingMs: number) {
    this.resume();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  pause(): void {
    if (this.state !== 'running') return;
    clearTimeout(this.timer);
    this.remainingMs -= performance.now() - this.since;
    this.state = 'paused';
  }

  resume(): void {
    if (this.state !== 'paused') return;
    this.since = performance.now();
    this.timer = setTimeout(() => this.controller.abort(new Error('the build deadline passed')), Math.max(0, this.remainingMs));
    this.timer.unref();
    this.state = 'running';
  }

  clear(): void {
    clearTimeout(this.timer);
    this.state = 'cleared';
  }
}
