// Helpers every CLI command uses: argument parsing, the API client, following a deployment.
import { parseArgs } from 'node:util';
import { type StepView, describeSeconds } from '../deploy/step-view.js';
import { ApiClient, CliError, loadLogin } from './client.js';

export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

export type Deployment = { id: number; status: string; commitSha: string | null; commitMessage: string | null; trigger: string; createdAt: string; failureReason: string | null; imageTag: string | null; rollbackOf: number | null; promotedFrom?: number | null; steps?: StepView[] };

/** A deployment's steps on one line: each with the time it took, then how it ended. */
export const describeSteps = (steps: StepView[]) => `Steps: ${steps.map((s) => `${s.label}${s.seconds === null ? '' : ` ${describeSeconds(s.seconds)}${s.state === 'done' ? '' : ` (${s.state})`}`}`).join(', ')}`;

type Option = { type: 'string' | 'boolean'; short?: string; /** Given more than once: its values come as a list. */ multiple?: boolean };

export function args(argv: string[], options: Record<string, Option>): { values: Record<string, string | boolean | undefined>; positionals: string[] } {
  try {
    return parseArgs({ args: argv, options: { json: { type: 'boolean' }, ...options }, allowPositionals: true, strict: true });
  } catch (err) {
    throw new CliError((err as Error).message, 2);
  }
}

export function need(positionals: string[], count: number, usage: string): string[] {
  if (positionals.length < count) throw new CliError(`usage: ${usage}`, 2);
  return positionals;
}

export const enc = encodeURIComponent;
export const envQuery = (env: unknown) => (typeof env === 'string' && env ? `?env=${enc(env)}` : '');
export const client = (io: CliIo) => new ApiClient(loadLogin(io.env));

/** Streams a deployment's log until it ends; succeeds only when it is active. */
export async function followDeployment(api: ApiClient, io: CliIo, deployment: Deployment, json: boolean): Promise<void> {
  const log = json ? io.stderr : io.stdout;
  log(`Deployment ${deployment.id} queued`);
  let status = deployment.status;
  let reason: string | null = null;
  for await (const msg of api.events(`/deployments/${deployment.id}/events`)) {
    if (msg.event === 'line') log((JSON.parse(msg.data) as { line: string }).line);
    else if (msg.event === 'status') ({ status, reason } = JSON.parse(msg.data) as { status: string; reason: string | null });
  }
  const answer = await api.json<{ deployment: Deployment }>('GET', `/deployments/${deployment.id}`);
  const final = answer.deployment;
  if (final.steps?.length) log(describeSteps(final.steps));
  if (json) io.stdout(JSON.stringify(answer));
  if (final.status !== 'active') throw new CliError(`deployment ${final.id} ${final.status}: ${final.failureReason ?? reason ?? status}`);
}

