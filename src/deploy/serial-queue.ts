// Runs jobs one after another per key (one deploy at a time per service and environment).

export class SerialQueue {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `job` after every job enqueued earlier under the same key; never rejects. */
  enqueue(key: string, job: () => Promise<void>): Promise<void> {
    const run = (this.tails.get(key) ?? Promise.resolve()).then(job).catch(() => {});
    this.tails.set(key, run);
    void run.then(() => {
      if (this.tails.get(key) === run) this.tails.delete(key);
    });
    return run;
  }

  /** Runs `job` after every job enqueued earlier under the same key, and answers with what it
   *  returns or throws. */
  run<T>(key: string, job: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      void this.enqueue(key, () => job().then(resolve, reject));
    });
  }

  /** Resolves when every job enqueued so far has finished. */
  async idle(): Promise<void> {
    while (this.tails.size) await Promise.all(this.tails.values());
  }
}
