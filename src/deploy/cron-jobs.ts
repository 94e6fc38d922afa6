// Scheduled jobs: each enabled job's cron task, and every run, scheduled or asked for now. A run is
// a one-off container of the serving image with the variables it runs with (serving-one-off.ts),
// recorded before it starts (skipped while an earlier run still runs, unless the job allows
// overlap), stopped at its timeout, and recorded with its exit code and the end of its output.
import cron, { type ScheduledTask } from 'node-cron';
import type { CronJob, CronRun } from '../db/schema.js';
import type { Db } from '../db/open.js';
import type { DockerClient } from '../docker/client.js';
import { runOneOff } from '../docker/one-off.js';
import { ONE_OFF_LABEL, oneOffContainerName, oneOffContainerSpec } from '../docker/one-off-spec.js';
import { commandWords } from '../command-words.js';
import type { Log } from '../log.js';
import { finishCronRun, findCronJobById, interruptCronRuns, listEnabledCronJobs, recordFailedCronRun, startCronRun } from '../store/cron-jobs.js';
import { getInstanceContext } from '../store/services.js';
import { makeRedactor, secretValues } from '../variables/redact.js';
import { servingOneOff } from './serving-one-off.js';

/** Runs of all jobs at once on this installation; one more is skipped. */
export const RUNS_AT_ONCE_MAX = 20;

/** The end of a run's output that is kept: its last lines, at most this many characters. */
export const OUTPUT_KEPT_CHARS = 16_384;

export interface CronJobsDeps {
  db: Db;
  docker: DockerClient;
  key: Buffer;
  installId: string;
  log: Log;
  isDaemonReady: () => boolean;
}

export class CronJobs {
  private readonly schedules = new Map<number, { when: string; task: ScheduledTask }>();
  private readonly running = new Map<number, { jobId: number; controller: AbortController; done: Promise<void> }>();

  constructor(private readonly deps: CronJobsDeps) {}

  /** After a start: runs cut off by a stop are recorded as interrupted; the schedules start. */
  async start(): Promise<void> {
    await interruptCronRuns(this.deps.db);
    await this.refresh();
  }

  /** Brings the cron tasks to the jobs' schedules: after a start, and after any change. */
  async refresh(): Promise<void> {
    const wanted = new Map((await listEnabledCronJobs(this.deps.db)).map((j) => [j.id, `${j.schedule} ${j.time_zone}`]));
    for (const [id, s] of this.schedules) {
      if (wanted.get(id) === s.when) continue;
      await s.task.destroy();
      this.schedules.delete(id);
    }
    for (const job of await listEnabledCronJobs(this.deps.db)) {
      if (this.schedules.has(job.id)) continue;
      // One schedule this server cannot keep (a time zone its clock data no longer knows) leaves
      // the others running.
      try {
        const task = cron.schedule(job.schedule, () => this.scheduled(job.id), { timezone: job.time_zone, name: `job-${job.id}` });
        this.schedules.set(job.id, { when: `${job.schedule} ${job.time_zone}`, task });
      } catch (err) {
        this.deps.log.error('a job could not be scheduled', { job: job.name, schedule: job.schedule, timeZone: job.time_zone, error: String(err) });
      }
    }
  }

  /** When the job's next scheduled run starts, if it is enabled. */
  nextRun(jobId: number): Date | null {
    return this.schedules.get(jobId)?.task.getNextRun() ?? null;
  }

  /** Starts a run of the job now and answers its record (`running`, `skipped` or, when it could
   *  not start, `failed`); the run goes on in the background. */
  async runNow(job: CronJob, trigger: string): Promise<CronRun> {
    let input;
    try {
      if (!this.deps.isDaemonReady()) throw new Error('Docker is not answering');
      input = await servingOneOff(this.deps, await getInstanceContext(this.deps.db, { serviceId: job.service_id, environmentId: job.environment_id }), commandWords(job.command, 0));
    } catch (err) {
      return recordFailedCronRun(this.deps.db, job.id, trigger, `did not start: ${(err as Error).message}`);
    }
    const full = this.running.size >= RUNS_AT_ONCE_MAX ? `${this.running.size} job runs are under way on this server, the most at once` : undefined;
    const run = await startCronRun(this.deps.db, job, trigger, input.deploymentId, full);
    if (run.status !== 'running') return run;
    const words = commandWords(job.command, input.port);
    const controller = new AbortController();
    const done = this.execute(run, job, { ...input, command: words }, controller.signal).finally(() => this.running.delete(run.id));
    this.running.set(run.id, { jobId: job.id, controller, done });
    return run;
  }

  private async execute(run: CronRun, job: CronJob, input: Awaited<ReturnType<typeof servingOneOff>>, signal: AbortSignal): Promise<void> {
    const redact = makeRedactor(secretValues(input.variables));
    const tail = new OutputTail(OUTPUT_KEPT_CHARS);
    const spec = oneOffContainerSpec(input, { name: oneOffContainerName(input, 'job', String(run.id)), labels: { [ONE_OFF_LABEL]: 'job' } });
    try {
      const end = await runOneOff(this.deps.docker, spec, { timeoutMs: job.timeout_s * 1000, signal, onLine: (stream, line) => tail.add(`${stream === 'stderr' ? '! ' : ''}${redact(line)}`) });
      if ('code' in end) await finishCronRun(this.deps.db, run.id, { status: end.code === 0 ? 'succeeded' : 'failed', exitCode: end.code, reason: end.code === 0 ? null : `exited with ${end.code}${end.code === 137 ? ' (killed: out of memory?)' : ''}`, output: tail.text() });
      else if (end.stopped === 'timeout') await finishCronRun(this.deps.db, run.id, { status: 'timed-out', reason: `ran longer than ${job.timeout_s} s and was stopped`, output: tail.text() });
      else await finishCronRun(this.deps.db, run.id, { status: 'interrupted', reason: 'stopped: Spur stopped, or the job was removed, while it ran', output: tail.text() });
    } catch (err) {
      await finishCronRun(this.deps.db, run.id, { status: 'failed', reason: (err as Error).message, output: tail.text() }).catch(() => {});
      this.deps.log.warn('a job run failed to run', { job: job.name, run: run.id, error: String(err) });
    }
  }

  private async scheduled(jobId: number): Promise<void> {
    const job = await findCronJobById(this.deps.db, jobId);
    // Removed (or its service, environment, project): its schedule goes too.
    if (!job || !job.enabled) return this.refresh();
    const run = await this.runNow(job, 'schedule').catch((err) => this.deps.log.error('a scheduled job did not start', { job: jobId, error: String(err) }));
    if (run && run.status !== 'running') this.deps.log.warn(`scheduled job ${run.status}`, { job: job.name, reason: run.reason });
  }

  /** Stops the job's runs under way (it is removed); they are recorded as interrupted. */
  async stopRunsOf(jobId: number): Promise<void> {
    const runs = [...this.running.values()].filter((r) => r.jobId === jobId);
    for (const r of runs) r.controller.abort();
    await Promise.allSettled(runs.map((r) => r.done));
  }

  /** Resolves once every run under way has ended. */
  async settled(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((r) => r.done));
  }

  /** On shutdown: no more schedules; runs under way are stopped and recorded as interrupted. */
  async stop(): Promise<void> {
    for (const s of this.schedules.values()) await s.task.destroy();
    this.schedules.clear();
    for (const r of this.running.values()) r.controller.abort();
    await this.settled();
  }
}

/** The last `max` characters of an output, whole lines. */
class OutputTail {
  private lines: string[] = [];
  private size = 0;
  constructor(private readonly max: number) {}

  add(line: string): void {
    const kept = line.length > this.max ? line.slice(-this.max) : line;
    this.lines.push(kept);
    this.size += kept.length + 1;
    while (this.size > this.max && this.lines.length > 1) this.size -= this.lines.shift()!.length + 1;
  }

  text(): string {
    return this.lines.join('\n');
  }
}
