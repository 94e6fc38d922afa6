// Prints one closing line over the progress logs of the vitest runs given, in order
// (scripts/test-progress-reporter.mjs): "tests: N passed, N failed, N skipped", and exits 1 when
// anything failed. A later run of a file replaces what an earlier one recorded for it; a file that
// never finished counts as failed, and so does each error vitest caught outside any test.
import { existsSync, readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { readProgress } from './test-progress-reporter.mjs';

const files = new Map();
let unhandled = 0;
for (const log of process.argv.slice(2)) {
  if (existsSync(`${log}.stalled`)) console.error(`[test] ${relative(process.cwd(), log)}: vitest was stopped, ${readFileSync(`${log}.stalled`, 'utf8').trim()}`);
  const events = readProgress(log);
  if (!events.length) {
    console.error(`[test] ${relative(process.cwd(), log)} is empty: that vitest run did not start its tests`);
    files.set(log, { tests: new Map(), ended: false });
  }
  for (const event of events) {
    if (event.run) for (const file of event.run) files.set(file, { tests: new Map(), ended: false });
    if (event.test) files.get(event.file)?.tests.set(event.id ?? event.test, event.state);
    if (event.runEnd) unhandled += event.errors;
    if (event.end && files.has(event.end)) Object.assign(files.get(event.end), { ended: true, state: event.state });
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const [file, { tests, ended, state }] of files) {
  const states = [...tests.values()];
  passed += states.filter((s) => s === 'passed').length;
  skipped += states.filter((s) => s === 'skipped').length;
  failed += states.filter((s) => s === 'failed').length;
  if (!ended) {
    console.error(`[test] ${relative(process.cwd(), file)} did not finish`);
    failed++;
  } else if (state === 'failed' && !states.includes('failed')) {
    // It failed without a failing test: it did not load, or a hook threw. It counts once.
    failed++;
  }
}
if (unhandled > 0) {
  console.error(`[test] ${unhandled} error(s) outside any test (printed above by vitest)`);
  failed += unhandled;
}
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
process.exitCode = failed > 0 ? 1 : 0;
