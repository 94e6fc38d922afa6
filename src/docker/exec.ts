// Runs a command inside a running container (docker exec), streaming: stdin from a stream, stdout
// to a stream with backpressure kept, never held whole in memory. For database dumps and restores.
import { type Readable, Transform, type TransformCallback, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { oneLine } from '../errors.js';
import type { DockerClient } from './client.js';

const STDERR_KEPT = 4096;

/** Docker's multiplexed exec stream (8-byte frame headers) in, stdout's bytes out; the last
 *  4 KiB of stderr kept for the error message. */
export class StdoutFrames extends Transform {
  private pending: Buffer = Buffer.alloc(0);
  stderr = '';

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const payload = this.pending.subarray(8, 8 + size);
      if (this.pending[0] === 2) this.stderr = (this.stderr + payload.toString('utf8')).slice(-STDERR_KEPT);
      else this.push(payload);
      this.pending = this.pending.subarray(8 + size);
    }
    done();
  }
}

export interface ExecResult {
  exitCode: number;
  stderr: string;
}

/** Runs `cmd` (an argument array, no shell) in the container; resolves once it has exited. */
export async function execIn(docker: DockerClient, containerId: string, cmd: string[], io: { stdin?: Readable; stdout?: Writable } = {}): Promise<ExecResult> {
  const exec = await docker.getContainer(containerId).exec({ Cmd: cmd, AttachStdin: !!io.stdin, AttachStdout: true, AttachStderr: true, Tty: false });
  const stream = (await exec.start({ hijack: true, stdin: !!io.stdin })) as unknown as NodeJS.ReadWriteStream & Readable;
  const frames = new StdoutFrames();
  const sink = io.stdout ?? new Writable({ write: (_c, _e, cb) => cb() });
  // Awaited together: the output failing while the input is still being sent is handled, not an
  // unhandled rejection (which stops Node).
  const input = io.stdin ? pipeline(io.stdin, stream as unknown as Writable, { end: true }).catch((err) => stream.destroy(err)) : undefined;
  await Promise.all([pipeline(stream, frames, sink), input]);
  const { ExitCode } = await exec.inspect();
  return { exitCode: ExitCode ?? -1, stderr: frames.stderr.trim() };
}

/** What a command that exited non-zero said, as one error: `the <what> exited N: <stderr>`. */
export const execFailure = (what: string, r: ExecResult) => new Error(`the ${what} exited ${r.exitCode}: ${oneLine(r.stderr) || 'no message'}`);
