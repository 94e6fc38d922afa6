// The images a classic-builder build made and reused, as its output names them: each step ends
// with ` ---> <short id>`, after ` ---> Using cache` when the step was cached; the last such line
// before the next step counts, and a step that did not finish (the failed one) counts none. A
// FROM step's id is its base image (or an earlier stage). A step's commands write into the same
// output and can fake any of it: these ids are hints, checked with Docker (image-build.ts,
// build-cache.ts) before anything is recorded or removed. `mentioned` holds every id line
// the output had, which includes all the builder's own: a step's commands can add lines, not take
// the builder's away. Pure.

export class BuildStepImages {
  readonly created: string[] = [];
  readonly reused: string[] = [];
  readonly mentioned = new Set<string>();
  private instruction = '';
  private cached = false;
  private last: string | undefined;

  read(line: string): void {
    const step = /^Step \d+\/\d+ : (\S+)/.exec(line);
    if (step || /^Successfully built [0-9a-f]{12}$/.test(line)) {
      this.endStep();
      this.instruction = step?.[1]!.toUpperCase() ?? '';
      return;
    }
    if (line === ' ---> Using cache') this.cached = true;
    const id = /^ ---> ([0-9a-f]{12})$/.exec(line)?.[1];
    if (id) {
      this.last = id;
      this.mentioned.add(id);
    }
  }

  private endStep(): void {
    if (this.last && this.instruction && this.instruction !== 'FROM') (this.cached ? this.reused : this.created).push(this.last);
    this.last = undefined;
    this.cached = false;
  }
}
