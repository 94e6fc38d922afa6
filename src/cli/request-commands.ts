// CLI commands for protected environments: protecting one, and the requests that wait there for
// an admin (list, approve, reject, cancel). A request's id is unique in the installation: the
// commands find its project among those the user sees, so `spur approve 7` needs no project.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, need } from './shared.js';

export interface RequestView {
  id: number;
  kind: string;
  environment: string;
  service: string | null;
  requester: string;
  status: string;
  summary: Record<string, unknown>;
  createdAt: string;
  expiresAt: string;
  decidedBy: string | null;
  reason: string | null;
  deployment: number | null;
}

/** What a deploy, rollback or variable change answered when it became a request. */
export type MaybeRequested = { request?: RequestView; message?: string };

/** Prints a held-back change (true), or nothing when the change ran (false). */
export function sayRequested(io: CliIo, answer: MaybeRequested, json: boolean, message = answer.message): boolean {
  if (!answer.request) return false;
  io.stdout(json ? JSON.stringify(answer) : `${message ?? 'Requested: an admin must approve'}. See it with: spur requests <project>`);
  return true;
}

const what = (r: RequestView) => {
  const names = (k: string) => (Array.isArray(r.summary[k]) ? (r.summary[k] as string[]).join(',') : '');
  const promote = r.summary.promote as { from: string; deployment: number } | undefined;
  if (promote) return `promote #${promote.deployment} from ${promote.from}`;
  if (r.kind === 'deploy') return r.summary.commit ? `deploy ${String(r.summary.commit).slice(0, 12)}` : 'deploy';
  if (r.kind === 'rollback') return r.summary.deployment ? `rollback to #${String(r.summary.deployment)}` : 'rollback';
  return `${r.kind}${names('set') ? ` set ${names('set')}` : ''}${names('removed') ? ` unset ${names('removed')}` : ''}`;
};
const line = (r: RequestView) => `#${r.id}\t${r.status}\t${r.environment}\t${r.service ?? '(shared)'}\t${what(r)}\tby ${r.requester}\t${r.createdAt}${r.decidedBy ? `\t${r.status} by ${r.decidedBy}` : ''}${r.reason ? `: ${r.reason}` : ''}`;

/** `spur requests <project> [--json]`: the project's requests, newest first. */
async function requests(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, {});
  const [project] = need(positionals, 1, 'spur requests <project>');
  const answer = await client(io).json<{ requests: RequestView[] }>('GET', `/projects/${enc(project)}/requests`);
  io.stdout(values.json ? JSON.stringify(answer) : answer.requests.map(line).join('\n') || 'No requests.');
}

/** The project of request `id`, among the projects the user sees (or --project). */
async function projectOf(io: CliIo, id: string, given: unknown): Promise<string> {
  if (!/^\d+$/.test(id)) throw new CliError(`"${id}" is not a request id`, 2);
  if (typeof given === 'string' && given) return given;
  const api = client(io);
  const { projects } = await api.json<{ projects: { name: string }[] }>('GET', '/projects');
  for (const p of projects) {
    const { requests: list } = await api.json<{ requests: RequestView[] }>('GET', `/projects/${enc(p.name)}/requests`);
    if (list.some((r) => r.id === Number(id))) return p.name;
  }
  throw new CliError(`no request #${id} in a project you can see`, 1);
}

const decide = (verb: 'approve' | 'reject' | 'cancel') => async (argv: string[], io: CliIo) => {
  const { values, positionals } = args(argv, { project: { type: 'string' }, reason: { type: 'string' } });
  const usage = verb === 'reject' ? 'spur reject <id> --reason "why" [--project P]' : `spur ${verb === 'cancel' ? 'cancel-request' : verb} <id> [--project P]`;
  const [id] = need(positionals, 1, usage);
  if (verb === 'reject' && typeof values.reason !== 'string') throw new CliError(`usage: ${usage}`, 2);
  const project = await projectOf(io, id, values.project);
  const answer = await client(io).json<{ request: RequestView }>('POST', `/projects/${enc(project)}/requests/${id}/${verb}`, verb === 'reject' ? { reason: values.reason } : {});
  if (values.json) return io.stdout(JSON.stringify(answer));
  const { request } = answer;
  const ran = request.deployment ? `: deployment #${request.deployment} queued` : request.kind.includes('variables') && verb === 'approve' ? ': the variables are set; they apply with the next deploy' : '';
  io.stdout(`Request #${request.id} (${what(request)} in ${project}/${request.environment}) ${request.status}${ran}`);
};

/** `spur protect <project> <environment>` / `spur unprotect …`: an admin's. */
const protect = (on: boolean) => async (argv: string[], io: CliIo) => {
  const { values, positionals } = args(argv, {});
  const [project, environment] = need(positionals, 2, `spur ${on ? 'protect' : 'unprotect'} <project> <environment>`);
  const res = await client(io).json<{ environment: string; protected: boolean }>('PUT', `/projects/${enc(project)}/environments/${enc(environment)}/protection`, { protected: on });
  io.stdout(values.json ? JSON.stringify(res) : res.protected ? `${project}/${environment} is protected: a developer's deploy, rollback or variable change there waits for an admin's approval` : `${project}/${environment} is no longer protected`);
};

export const requestCommands = { requests, approve: decide('approve'), reject: decide('reject'), 'cancel-request': decide('cancel'), protect: protect(true), unprotect: protect(false) };
