// The watched test run: a vitest run whose worker blocks for good (so vitest's own test timeout
// never fires and plain vitest waits forever) is stopped, says where it stuck, and is counted.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';

const root = join(__dirname, '..');
const fixture = join(__dirname, 'fixtures', 'stall');

it('stops a stuck vitest run, names the file it stuck in, and counts that file as failed', () => {
  const progress = join(mkdtempSync(join(tmpdir(), 'spur-watched-')), 'run.jsonl');
  const run = spawnSync(process.execPath, ['scripts/vitest-watched.mjs', progress, '--root', fixture], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, SPUR_TEST_STALL_S: '15' },
    timeout: 120_000,
  });
  expect(run.status).toBe(3);
  expect(run.stderr).toMatch(/vitest is stuck: nothing started or finished for 15 s; still running: .*stuck\.check\.mjs/);
  expect(readFileSync(`${progress}.unfinished`, 'utf8')).toBe(`${join(fixture, 'stuck.check.mjs')}\n`);

  const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs', progress], { cwd: root, encoding: 'utf8' });
  expect(summary.stdout.trim()).toBe('tests: 1 passed, 1 failed, 0 skipped');
  expect(summary.status).toBe(1);
  expect(summary.stderr).toContain('stuck.check.mjs did not finish');
  const stopped = [...run.stderr.matchAll(/^ {2}(\d+) \(parent/gm)].map((m) => m[1]);
  expect(stopped.length).toBeGreaterThan(0);
  expect(stopped.filter(running)).toEqual([]);
}, 150_000);

/** A process that exists and is not a zombie waiting to be reaped. */
function running(pid: string) {
  try {
    return !/\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

it('counts a file run again after a stall by its second run, and still says the first stalled', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spur-summary-'));
  const line = (event: object) => `${JSON.stringify(event)}\n`;
  writeFileSync(join(dir, 'main.1.jsonl'), line({ run: ['/a.test.ts', '/b.test.ts'] }) + line({ file: '/a.test.ts', test: 'a', state: 'passed' }) + line({ end: '/a.test.ts', state: 'passed' }) + line({ file: '/b.test.ts', test: 'b1', state: 'failed' }));
  writeFileSync(join(dir, 'main.1.jsonl.stalled'), 'nothing started or finished for 900 s; still running: b.test.ts\n');
  writeFileSync(join(dir, 'main.2.jsonl'), line({ run: ['/b.test.ts'] }) + line({ file: '/b.test.ts', test: 'b1', state: 'passed' }) + line({ file: '/b.test.ts', test: 'b2', state: 'skipped' }) + line({ end: '/b.test.ts', state: 'passed' }));
  const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs', join(dir, 'main.1.jsonl'), join(dir, 'main.2.jsonl')], { cwd: root, encoding: 'utf8' });
  expect(summary.stdout.trim()).toBe('tests: 2 passed, 0 failed, 1 skipped');
  expect(summary.stderr).toContain('vitest was stopped, nothing started or finished for 900 s; still running: b.test.ts');
  expect(summary.status).toBe(0);
});

it('still fails when a file that failed before the stall was not run again, and counts errors outside any test', () => {
  const dir = mkdtempSync(join(tmpdir(), 'spur-summary-'));
  const line = (event: object) => `${JSON.stringify(event)}\n`;
  writeFileSync(join(dir, 'main.1.jsonl'), line({ run: ['/a.test.ts', '/b.test.ts'] }) + line({ file: '/a.test.ts', id: 'a_1', test: 'a', state: 'failed' }) + line({ end: '/a.test.ts', state: 'failed' }) + '{"file":"/b.test.ts","te');
  writeFileSync(join(dir, 'main.2.jsonl'), line({ run: ['/b.test.ts'] }) + line({ file: '/b.test.ts', id: 'b_1', test: 'b', state: 'passed' }) + line({ end: '/b.test.ts', state: 'passed' }) + line({ runEnd: 'passed', errors: 2 }));
  const summary = spawnSync(process.execPath, ['scripts/test-summary.mjs', join(dir, 'main.1.jsonl'), join(dir, 'main.2.jsonl')], { cwd: root, encoding: 'utf8' });
  expect(summary.stdout.trim()).toBe('tests: 1 passed, 3 failed, 0 skipped');
  expect(summary.stderr).toContain('2 error(s) outside any test');
  expect(summary.status).toBe(1);
});
