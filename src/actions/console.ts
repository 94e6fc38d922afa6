// A console in the browser (admins): a shell in a new container of the serving image, with the
// variables it runs with, on its network (deploy/serving-one-off.ts), over a WebSocket. Every
// session is in the audit log: who opened it, and when it closed, after how long. One idle for
// CONSOLE_IDLE_S, or open CONSOLE_MAX_S, is closed.
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Deps } from '../deps.js';
import { openConsoleContainer } from '../docker/console.js';
import { ONE_OFF_LABEL, oneOffContainerName, oneOffContainerSpec } from '../docker/one-off-spec.js';
import { servingOneOff } from '../deploy/serving-one-off.js';
import { type AllowedInstance, requireTo } from './access.js';
import { instanceObject, requireDaemon } from './common.js';
import { audit } from './record.js';

export const CONSOLE_IDLE_S = 30 * 60;
export const CONSOLE_MAX_S = 8 * 3600;
const SIZE_MAX = 1000;

export interface ConsoleSession {
  /** What the browser sent: `{"t":"in","d":"…"}` keystrokes, `{"t":"resize","cols":C,"rows":R}`. */
  receive(message: string): void;
  close(why: string): Promise<void>;
}

/** Checks who asks and that something serves; nothing is started yet. */
export async function checkConsole(deps: Deps, ctx: AllowedInstance): Promise<void> {
  await requireTo(deps, ctx.acting, 'console.open', { object: instanceObject(ctx) });
  requireDaemon(deps);
}

/** Starts the shell; its output goes to `send`, and `ended` is called once when it is over. */
export async function openConsole(deps: Deps, ctx: AllowedInstance, io: { send: (text: string) => void; ended: (why: string) => void }): Promise<ConsoleSession> {
  const input = await servingOneOff(deps, ctx, ['/bin/sh']);
  const spec = oneOffContainerSpec(input, { name: oneOffContainerName(input, 'console', randomBytes(4).toString('hex')), labels: { [ONE_OFF_LABEL]: 'console' } });
  const decoder = new StringDecoder('utf8');
  const container = await openConsoleContainer(deps.docker, spec, (chunk) => io.send(decoder.write(chunk)));
  const opened = Date.now();
  await audit(deps, ctx.acting, 'console.open', instanceObject(ctx), { after: { deployment: input.deploymentId, container: spec.name } });
  let lastInput = Date.now();
  let done = false;
  const close = async (why: string) => {
    if (done) return;
    done = true;
    clearInterval(watch);
    await container.close();
    await audit(deps, ctx.acting, 'console.close', instanceObject(ctx), { after: { seconds: Math.round((Date.now() - opened) / 1000), why } });
    io.ended(why);
  };
  const watch = setInterval(() => {
    if (Date.now() - lastInput > CONSOLE_IDLE_S * 1000) void close(`idle for ${CONSOLE_IDLE_S / 60} minutes`);
    else if (Date.now() - opened > CONSOLE_MAX_S * 1000) void close(`open for ${CONSOLE_MAX_S / 3600} hours`);
  }, 10_000);
  void container.ended.then(() => close('the shell ended'));
  return {
    receive: (message) => {
      let m: { t?: unknown; d?: unknown; cols?: unknown; rows?: unknown };
      try {
        m = JSON.parse(message);
      } catch {
        return;
      }
      if (m.t === 'in' && typeof m.d === 'string' && m.d.length <= 64 * 1024) {
        lastInput = Date.now();
        container.write(m.d);
      } else if (m.t === 'resize' && Number.isInteger(m.cols) && Number.isInteger(m.rows) && (m.cols as number) > 0 && (m.rows as number) > 0 && (m.cols as number) <= SIZE_MAX && (m.rows as number) <= SIZE_MAX) {
        void container.resize(m.cols as number, m.rows as number);
      }
    },
    close,
  };
}
