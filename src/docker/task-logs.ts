// Runtime logs per Swarm task, merged into one time-ordered view: each line with its time and the
// task that printed it (`web.1`), the last N lines over all tasks, then new lines as they come.
import type { Readable } from 'node:stream';
import type { DockerClient } from './client.js';
import { LogLineDecoder } from './log-frames.js';

export interface TaskLogLine {
  /** RFC 3339 with nanoseconds, as Docker stamps it; sorts as text within one zone (UTC). */
  time: string;
  task: string;
  text: string;
}

/** Splits Docker's `timestamps=true` prefix off a line. Pure. */
export function parseStamped(line: string, task: string): TaskLogLine {
  const space = line.indexOf(' ');
  const time = space > 0 ? line.slice(0, space) : '';
  return /^\d{4}-\d\d-\d\dT/.test(time) ? { time, task, text: line.slice(space + 1) } : { time: '', task, text: line };
}

/** The last `tail` lines over all tasks, oldest first. Pure. */
export function mergeTail(perTask: TaskLogLine[][], tail: number): TaskLogLine[] {
  const all = perTask.flat().sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  return tail === 0 ? [] : all.slice(-tail);
}

/** `2026-11-24T22:00:01.123Z web.1 text`: milliseconds are enough to read. Pure. */
export const formatTaskLine = (l: TaskLogLine) => `${l.time ? l.time.replace(/(\.\d{3})\d*Z$/, '$1Z') : '-'} ${l.task} ${l.text}`;

export interface TaskRef {
  id: string;
  name: string;
}

async function taskLogs(docker: DockerClient, task: TaskRef, opts: { tail?: number; follow: boolean; since?: string }): Promise<Readable | Buffer> {
  const args = { stdout: true, stderr: true, timestamps: true, follow: opts.follow, ...(opts.tail !== undefined ? { tail: opts.tail } : {}), ...(opts.since ? { since: opts.since } : {}) };
  // dockerode's types leave out Task#logs (GET /tasks/{id}/logs), which it implements.
  const handle = docker.getTask(task.id) as unknown as { logs(o: object): Promise<Readable | Buffer> };
  return handle.logs(args);
}

/** The last `tail` lines of these tasks in time order; with `follow`, then new lines until the
 *  signal aborts. */
export async function streamTaskLogs(docker: DockerClient, opts: { tasks: TaskRef[]; tail: number; follow: boolean; onLine: (line: TaskLogLine) => void; signal?: AbortSignal }): Promise<void> {
  const backlog = await Promise.all(
    opts.tasks.map(async (task) => {
      const decoder = new LogLineDecoder();
      const body = await taskLogs(docker, task, { tail: opts.tail, follow: false });
      const buffer = Buffer.isBuffer(body) ? body : await collect(body);
      return [...decoder.push(buffer), ...decoder.end()].map((l) => parseStamped(l, task.name));
    }),
  );
  for (const line of mergeTail(backlog, opts.tail)) opts.onLine(line);
  if (!opts.follow) return;
  const streams = await Promise.all(
    opts.tasks.map(async (task, i) => {
      const last = backlog[i].at(-1)?.time;
      const since = last ? String(Date.parse(last) / 1000) : undefined;
      return { task, last, stream: (await taskLogs(docker, task, { follow: true, tail: since ? undefined : 0, since })) as Readable };
    }),
  );
  await new Promise<void>((resolve) => {
    let open = streams.length;
    const stop = () => {
      streams.forEach((s) => s.stream.destroy());
      resolve();
    };
    opts.signal?.addEventListener('abort', stop, { once: true });
    if (open === 0) return;
    for (const { task, last, stream } of streams) {
      const decoder = new LogLineDecoder();
      // `since` has second precision: skip what the backlog already showed.
      const emit = (raw: string) => {
        const line = parseStamped(raw, task.name);
        if (!last || line.time > last) opts.onLine(line);
      };
      stream.on('data', (chunk: Buffer) => decoder.push(chunk).forEach(emit));
      stream.on('error', () => {});
      stream.on('close', () => {
        decoder.end().forEach(emit);
        if (--open === 0) resolve();
      });
    }
  });
}

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
