// Spur's health probe (src/health/probe.c) as Docker runs it: inside a task, from the read-only
// mount, answering with its exit code and one line.
import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BASE_IMAGE, docker, uniqueName } from './harness.js';

const PROBE = resolve(__dirname, '..', 'dist', 'spur-probe');
const name = uniqueName('spur-probe-test-');
// /health answers 200, or 500 from /sick until /well; /connections counts the connections made to it.
const APP = `let sick = false, connections = 0; require('http').createServer((q, s) => { if (q.url === '/sick') sick = true; if (q.url === '/well') sick = false; if (q.url === '/connections') return s.end(String(connections)); s.statusCode = q.url === '/health' && sick ? 500 : 200; s.end(); }).on('connection', () => connections++).listen(3000);`;

// Timed inside the task, so that `docker exec`'s own cost on a busy machine is not the probe's.
// Also the container's age as the probe reads it (/proc/uptime less /proc/1's start, in 1/100 s),
// just before it starts: what is left of a start period is known only inside the task.
const TIMED = `const fs = require('fs'); const stat = fs.readFileSync('/proc/1/stat', 'utf8'); const age = Math.round(parseFloat(fs.readFileSync('/proc/uptime', 'utf8')) * 1000 - Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]) * 10); const t = Date.now(); const r = require('child_process').spawnSync('/spur/probe', process.argv.slice(1), { encoding: 'utf8' }); console.log(JSON.stringify({ code: r.status, line: r.stdout.trim(), ms: Date.now() - t, age }));`;

/** Runs the probe in the container: its exit code, its line, how long it took. */
function probe(...args: string[]): Promise<{ code: number; line: string; ms: number; age?: number }> {
  return new Promise((done, fail) => {
    execFile('docker', ['exec', name, 'node', '-e', TIMED, ...args], { timeout: 60_000 }, (err, stdout) => {
      if (err) fail(err);
      else done(JSON.parse(stdout));
    });
  });
}

beforeAll(async () => {
  await docker('run', '-d', '--name', name, '--label', 'spur.test=probe', '--mount', `type=bind,source=${PROBE},target=/spur/probe,readonly`, BASE_IMAGE, 'node', '-e', APP);
  for (let i = 0; i < 50 && (await probe('tcp', '3000')).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  await docker('rm', '-f', name).catch(() => {});
});

describe("Spur's health probe", () => {
  it('answers at once in its one-check form, which services deployed before `watch` still run', async () => {
    expect(await probe('tcp', '3000')).toMatchObject({ code: 0, line: 'port 3000 accepts connections' });
    expect(await probe('tcp', '3001')).toMatchObject({ code: 1, line: 'nothing accepts connections on port 3001' });
    expect(await probe('http', '3000', '/health')).toMatchObject({ code: 0, line: 'GET /health answered 200' });
  });

  it('exits at the first answer until the app has once answered, then stays, checking, for its time', async () => {
    // In its start period (600 s here), as in a rollout.
    const first = await probe('watch', '200', '2', '500', '2', '600', 'http', '3000', '/health');
    expect(first).toMatchObject({ code: 0, line: 'GET /health answered 200' });
    expect(first.ms).toBeLessThan(500);
    const staying = await probe('watch', '200', '2', '500', '2', '0', 'http', '3000', '/health');
    expect(staying.code).toBe(0);
    expect(staying.line).toMatch(/^GET \/health answered 200 \(\d+ checks in 2 s\)$/);
    expect(staying.ms).toBeGreaterThanOrEqual(2000);
  });

  it('leaves, with what it saw, as soon as the app fails the checks in a row it allows; started again, at its first failed check', async () => {
    const staying = probe('watch', '200', '2', '500', '30', '0', 'http', '3000', '/health');
    await new Promise((r) => setTimeout(r, 500));
    await docker('exec', name, 'node', '-e', "fetch('http://127.0.0.1:3000/sick')");
    const failing = await staying;
    expect(failing).toMatchObject({ code: 1, line: 'GET /health answered 500 (2 checks in a row failed)' });
    expect(failing.ms).toBeLessThan(5000);
    // Started again, it fails at its first failed check and leaves at once: Docker counts the
    // failed runs, and the task is replaced after its retries.
    const again = await probe('watch', '200', '2', '500', '30', '0', 'http', '3000', '/health');
    expect(again).toMatchObject({ code: 1, line: 'GET /health answered 500' });
    expect(again.ms).toBeLessThan(500);
    // Once the app answers again, the next run says so and Docker's count starts over; past the
    // start period a run that passes lasts its retries in seconds, whatever the app does, so an
    // app that fails and answers in turn gets at most retries - 1 quick runs per pass.
    await docker('exec', name, 'node', '-e', "fetch('http://127.0.0.1:3000/well')");
    const recovered = await probe('watch', '200', '2', '500', '30', '0', 'http', '3000', '/health');
    expect(recovered).toMatchObject({ code: 0, line: 'GET /health answered 200' });
    expect(recovered.ms).toBeGreaterThanOrEqual(2000);
    expect(recovered.ms).toBeLessThan(3500);
  });

  it('is not made to start more often by an app that removes, blocks or makes its marks', async () => {
    await docker('exec', name, 'sh', '-c', 'rm -f /dev/shm/spur-probe-answered && ln -s /nowhere /dev/shm/spur-probe-answered');
    const blocked = await probe('watch', '200', '2', '500', '30', '0', 'http', '3000', '/health');
    expect(blocked).toMatchObject({ code: 0, line: 'GET /health answered 200 (could not mark /dev/shm/spur-probe-answered)' });
    expect(blocked.ms).toBeGreaterThanOrEqual(2000);
    await docker('exec', name, 'sh', '-c', 'rm -f /dev/shm/spur-probe-answered');

    // Failing fast after a "failure" it marked itself, then answering with the answered mark gone:
    // the pass still lasts its retries in seconds.
    await docker('exec', name, 'sh', '-c', 'touch /dev/shm/spur-probe-answered /dev/shm/spur-probe-failed');
    await docker('exec', name, 'node', '-e', "fetch('http://127.0.0.1:3000/sick')");
    const quick = await probe('watch', '200', '2', '500', '30', '0', 'http', '3000', '/health');
    expect(quick).toMatchObject({ code: 1, line: 'GET /health answered 500' });
    expect(quick.ms).toBeLessThan(500);
    await docker('exec', name, 'sh', '-c', 'rm -f /dev/shm/spur-probe-answered');
    await docker('exec', name, 'node', '-e', "fetch('http://127.0.0.1:3000/well')");
    const pass = await probe('watch', '200', '2', '500', '30', '0', 'http', '3000', '/health');
    expect(pass).toMatchObject({ code: 0, line: 'GET /health answered 200' });
    expect(pass.ms).toBeGreaterThanOrEqual(2000);
    await docker('exec', name, 'sh', '-c', 'rm -f /dev/shm/spur-probe-answered /dev/shm/spur-probe-failed');
  });

  it('waits for a first answer to the end of the start period, then for one interval', async () => {
    await docker('exec', name, 'rm', '-f', '/dev/shm/spur-probe-answered');
    const never = await probe('watch', '1500', '3', '500', '30', '0', 'tcp', '3999');
    expect(never).toMatchObject({ code: 1, line: 'nothing accepts connections on port 3999' });
    expect(never.ms).toBeGreaterThanOrEqual(1500);
    expect(never.ms).toBeLessThan(3500);
    // The container has run for a few seconds: a start period that ends about 5 s from now. How much
    // of it is left when the probe starts depends on how long docker exec and Node took to get there
    // (3 s on a busy machine), so the bounds come from the age the task itself read just before.
    const age = Date.now() - Date.parse(await docker('inspect', '--format', '{{.State.StartedAt}}', name));
    const startPeriod = Math.ceil(age / 1000) + 5;
    const inStart = await probe('watch', '200', '3', '500', '30', String(startPeriod), 'tcp', '3999');
    expect(inStart.code).toBe(1);
    const waits = Math.max(startPeriod * 1000 - inStart.age!, 500);
    expect(inStart.ms).toBeGreaterThanOrEqual(waits - 100);
    expect(inStart.ms).toBeLessThan(waits + 1500);
  });

  it('checks a TCP port by its listening socket, without a connection that wakes the app', async () => {
    const connections = async () => Number(await docker('exec', name, 'node', '-e', "fetch('http://127.0.0.1:3000/connections').then((r) => r.text()).then(console.log)"));
    const before = await connections();
    for (let i = 0; i < 5; i++) expect(await probe('tcp', '3000')).toMatchObject({ code: 0, line: 'port 3000 accepts connections' });
    expect(await probe('watch', '200', '2', '500', '1', '0', 'tcp', '3000')).toMatchObject({ code: 0 });
    // Only the request that counts them.
    expect(await connections()).toBe(before + 1);
  });

  it('fails a TCP check when the app has stopped accepting connections and they fill its queue', async () => {
    // An app whose event loop is stuck: the kernel queues connections it never accepts.
    await docker('exec', '-d', name, 'node', '-e', "require('net').createServer().listen({ port: 3002, backlog: 1 }, () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20000))");
    for (let i = 0; i < 50 && (await probe('tcp', '3002')).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await probe('tcp', '3002')).toMatchObject({ code: 0, line: 'port 3002 accepts connections' });
    await docker('exec', '-d', name, 'node', '-e', "for (let i = 0; i < 4; i++) require('net').connect(3002).on('error', () => {}); setTimeout(() => {}, 20000)");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await probe('watch', '200', '1', '500', '30', '0', 'tcp', '3002')).toMatchObject({ code: 1, line: expect.stringMatching(/^port 3002 does not accept connections: its queue is full \(2 wait\)/) });
  });

  it('refuses arguments it cannot use, checking nothing', async () => {
    for (const args of [['watch', '200', '2', '500', '30', '0', 'http', '3000', '/a b'], ['watch', '50', '2', '500', '30', '0', 'tcp', '3000'], ['watch', '200', '0', '500', '30', '0', 'tcp', '3000'], ['watch', '200', '2', '500', '30', 'tcp', '3000'], ['watch', '200', '2', '500', '30', '0', 'udp', '3000'], ['tcp', '70000']]) {
      expect(await probe(...args), args.join(' ')).toMatchObject({ code: 2, line: 'bad probe arguments' });
    }
  });
});
