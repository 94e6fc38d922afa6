// A vitest reporter that appends one JSON line per event to $SPUR_TEST_PROGRESS: the files of the
// run, each file's start and end, each hook's and test's end. scripts/vitest-watched.mjs reads the
// file's growth as the run's heartbeat; scripts/test-summary.mjs counts the results from it, so a
// run that had to be stopped still reports what it finished.
import { appendFileSync } from 'node:fs';

const out = process.env.SPUR_TEST_PROGRESS;
const write = (event) => out && appendFileSync(out, `${JSON.stringify({ at: Date.now(), ...event })}\n`);

export default class ProgressReporter {
  onTestRunStart(specifications) {
    write({ run: [...new Set(specifications.map((s) => s.moduleId))] });
  }
  onTestModuleStart(testModule) {
    write({ start: testModule.moduleId });
  }
  onHookEnd() {
    write({ hook: true });
  }
  onTestCaseResult(testCase) {
    write({ file: testCase.module.moduleId, test: testCase.fullName, state: testCase.result().state });
  }
  onTestModuleEnd(testModule) {
    write({ end: testModule.moduleId, state: testModule.state() });
  }
}
