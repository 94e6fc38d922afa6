// An interactive terminal in a one-off container (docker/one-off-spec.ts) with a TTY: what is typed
// goes to its standard input, what it writes comes back as it comes, and the terminal's size
// follows the browser's. Ended (and removed) when either side closes.
import type { Duplex } from 'node:stream';
import type { DockerClient } from './client.js';

type Spec = Parameters<DockerClient['createContainer']>[0] & { name: string };

export interface ConsoleContainer {
  write(data: string): void;
  resize(cols: number, rows: number): Promise<void>;
  /** Stops and removes the container; once. */
  close(): Promise<void>;
  /** Resolves when the shell has ended (the user typed `exit`), or the container is gone. */
  ended: Promise<void>;
}

export async function openConsoleContainer(docker: DockerClient, spec: Spec, onOutput: (chunk: Buffer) => void): Promise<ConsoleContainer> {
  const container = await docker.createContainer({ ...spec, Tty: true, OpenStdin: true, StdinOnce: false, AttachStdin: true, AttachStdout: true, AttachStderr: true });
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= container.remove({ force: true }).then(() => {}, () => {}));
  try {
    const stream = (await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true })) as unknown as Duplex;
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve).on('close', resolve).on('error', () => resolve());
    });
    stream.on('data', (chunk: Buffer) => onOutput(chunk));
    await container.start();
    return {
      write: (data) => void stream.write(data),
      resize: async (cols, rows) => {
        await container.resize({ w: cols, h: rows }).catch(() => {});
      },
      close: async () => {
        stream.destroy();
        await close();
      },
      ended,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
