// `spur run`: a one-off command in a new container of the serving image, with the variables that
// version runs with, on its project network (deploy/serving-one-off.ts); its output comes back line
// by line with secrets masked, then its exit code. The command is words, never a shell line.
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import { commandWords } from '../command-words.js';
import { type OneOffEnd, runOneOff } from '../docker/one-off.js';
import { ONE_OFF_LABEL, oneOffContainerName, oneOffContainerSpec } from '../docker/one-off-spec.js';
import type { OutputStream } from '../docker/log-frames.js';
import { servingOneOff } from '../deploy/serving-one-off.js';
import * as validate from '../validate.js';
import { makeRedactor, secretValues } from '../variables/redact.js';
import { type AllowedInstance, requireAtOnce } from './access.js';
import { type Body, instanceObject, requireDaemon } from './common.js';
import { audit } from './record.js';

export const RUN_TIMEOUT_S = { default: 3600, max: 86_400 } as const;

export interface PreparedRun {
  timeoutS: number;
  start(opts: { onLine: (stream: OutputStream, line: string) => void | Promise<void>; signal: AbortSignal }): Promise<OneOffEnd>;
}

/** Checks who asks, what to run and that something serves; records it; answers how to start it. */
export async function prepareRun(deps: Deps, ctx: AllowedInstance, body: Body): Promise<PreparedRun> {
  const object = instanceObject(ctx);
  await requireAtOnce(deps, ctx.acting, 'run', ctx.environment, { object, doing: 'run commands' });
  const { command, timeout } = validate.fields({
    // A list of words (the API, the CLI), or a line as typed in the page, split without a shell.
    command: () => (typeof body.command === 'string' ? validate.commandArgs(commandWords(validate.commandLine('command', body.command), ctx.instance.port)) : validate.commandArgs(body.command)),
    timeout: () => validate.optional(body.timeout, (v) => validate.integer('timeout', v, 1, RUN_TIMEOUT_S.max)) ?? RUN_TIMEOUT_S.default,
  });
  requireDaemon(deps);
  const input = await servingOneOff(deps, ctx, command);
  const spec = oneOffContainerSpec(input, { name: oneOffContainerName(input, 'run', randomBytes(4).toString('hex')), labels: { [ONE_OFF_LABEL]: 'run' } });
  const redact = makeRedactor(secretValues(input.variables));
  await audit(deps, ctx.acting, 'run', object, { after: { command: command.join(' ').slice(0, 500), deployment: input.deploymentId } });
  return {
    timeoutS: timeout,
    start: (opts) => runOneOff(deps.docker, spec, { timeoutMs: timeout * 1000, signal: opts.signal, onLine: (stream, line) => opts.onLine(stream, redact(line)) }),
  };
}
