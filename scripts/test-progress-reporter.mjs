// A vitest reporter that appends one JSON line per event to $SPUR_TEST_PROGRESS: the files of the
// run, each file's start and end, each suite, hook and test as it starts and ends, and the run's
// end with its unhandled errors. scripts/vitest-watched.mjs reads the file's growth as the run's
// heartbeat; scripts/test-summary.mjs counts the results from it, so a run that had to be stopped
// still reports what it finished.
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** The events of a progress log; a last line cut short when vitest was stopped is left out. */
export function readProgress(file) {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8').split('\n').filter(Boolean).flatMap((line) => {
    try {
      return [JSON.parse(line)];
    } catch {
      return [];
    }
  });
}

const out = process.env.SPUR_TEST_PROGRESS;
const write = (event) => out && appendFileSync(out, `${JSON.stringify({ at: Date.now(), ...event })}\n`);

export default class ProgressReporter {
  ended = new Set();
  onTestRunStart(specifications) {
    write({ run: [...new Set(specifications.map((s) => s.moduleId))] });
  }
  onTestModuleQueued(testModule) {
    write({ queued: testModule.moduleId });
  }
  onTestModuleCollected(testModule) {
    write({ collected: testModule.moduleId });
  }
  onTestModuleStart(testModule) {
    write({ start: testModule.moduleId });
  }
  onTestSuiteReady() {
    write({ beat: 'suite' });
  }
  onHookStart() {
    write({ beat: 'hook' });
  }
  onHookEnd() {
    write({ beat: 'hook done' });
  }
  onTestCaseReady() {
    write({ beat: 'test' });
  }
  onTestCaseResult(testCase) {
    write({ file: testCase.module.moduleId, id: testCase.id, test: testCase.fullName, state: testCase.result().state });
  }
  onTestModuleEnd(testModule) {
    this.ended.add(testModule.moduleId);
    write({ end: testModule.moduleId, state: testModule.state() });
  }
  onTestRunEnd(testModules, unhandledErrors, reason) {
    // A file that failed before its tests ran (it did not load) ends here, without a module end.
    // Modules still pending or queued (a crashed worker, a cancelled run) did not finish.
    for (const m of testModules.filter((m) => !this.ended.has(m.moduleId) && ['passed', 'failed', 'skipped'].includes(m.state()))) write({ end: m.moduleId, state: m.state() });
    write({ runEnd: reason, errors: unhandledErrors.length });
  }
}
