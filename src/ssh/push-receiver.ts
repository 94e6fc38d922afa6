// The local endpoint the pre-receive hook calls: each pushed branch that an environment follows
// is deployed from the pushed commit, and the build and deploy output is streamed back.
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import { dirname } from 'node:path';
import { receivePush } from '../actions/push.js';
import type { Deps } from '../deps.js';
import { changedFiles } from '../git/clone.js';
import { getServiceById } from '../store/services.js';
import * as validate from '../validate.js';
import { pushResultLine } from './pre-receive-hook.js';
import type { PushSession, PushSessions } from './push-sessions.js';

export interface PushDeps extends Deps {
  sessions: PushSessions;
}

interface RefUpdate {
  oldSha: string;
  newSha: string;
  ref: string;
}

const ZERO = /^0+$/;
const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function startPushReceiver(deps: PushDeps, socketPath: string): Promise<Server> {
  mkdirSync(dirname(socketPath), { recursive: true, mode: 0o700 });
  rmSync(socketPath, { force: true });
  const server = createServer((req, res) => void handle(deps, req, res));
  return new Promise((resolve) => server.listen(socketPath, () => {
    chmodSync(socketPath, 0o600);
    resolve(server);
  }));
}

async function readJson(req: IncomingMessage, limit: number): Promise<any> {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limit) throw new Error('request too large');
  }
  return JSON.parse(body);
}

async function handle(deps: PushDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const say = (line: string) => res.write(line + '\n');
  let ok = false;
  try {
    const body = await readJson(req, 256 * 1024);
    const session = deps.sessions.find(body.token);
    res.writeHead(session ? 200 : 403, { 'Content-Type': 'text/plain' });
    if (!session) {
      say('spur: this push is not known to Spur');
    } else {
      const objectEnv = Object.fromEntries(Object.entries(body.objectEnv ?? {}).filter(([k, v]) => /^GIT_[A-Z_]+$/.test(k) && typeof v === 'string' && v.startsWith(session.repoDir)));
      ok = await deployPush(deps, session, (body.updates ?? []) as RefUpdate[], objectEnv as Record<string, string>, say);
    }
  } catch (err) {
    if (!res.headersSent) res.writeHead(400, { 'Content-Type': 'text/plain' });
    say(`spur: ${(err as Error).message}`);
  }
  res.end(pushResultLine(ok));
}

async function deployPush(deps: PushDeps, session: PushSession, updates: RefUpdate[], objectEnv: Record<string, string>, say: (line: string) => void): Promise<boolean> {
  const service = await getServiceById(deps.db, session.serviceId);
  let ok = true;
  for (const update of updates) {
    if (!update.ref?.startsWith('refs/heads/') || !SHA.test(update.newSha ?? '') && !ZERO.test(update.newSha ?? '')) {
      say(`spur: ${update.ref}: only branches can be pushed`);
      ok = false;
      continue;
    }
    const branch = validate.branch(update.ref.slice('refs/heads/'.length));
    if (ZERO.test(update.newSha)) {
      say(`Branch ${branch} deleted; nothing to deploy.`);
      continue;
    }
    const push = receivePush(deps, {
      service,
      branch,
      commit: update.newSha,
      changedPaths: () => changedFiles({ repoDir: session.repoDir, from: update.oldSha, to: update.newSha, objectEnv }),
      by: { trigger: `push:${session.userEmail}`, requestedBy: session.userId },
      who: { id: session.userId, email: session.userEmail, role: session.userRole, origin: { via: 'git-push', address: session.address } },
      pushedObjects: objectEnv,
    });
    for await (const step of push) {
      if (step.kind === 'auto-deploy-off') say(`Auto-deploy is off for ${step.environment}: branch ${branch} pushed without deploying there.`);
      if (step.kind === 'unfollowed') say(`Branch ${branch} is not deployed by any environment of ${service.name}; pushed without deploying.`);
      if (step.kind === 'skipped') say(`Not deploying ${step.environment}: ${step.reason}.`);
      if (step.kind === 'requested') say(`${step.environment} is protected: deploy request #${step.request.id} waits for an admin's approval`);
      if (step.kind !== 'deploying') continue;
      const { deployment } = step;
      say(`Deploying ${update.newSha.slice(0, 12)} to ${step.environment} as deployment #${deployment.id}`);
      let finalStatus = 'queued';
      let reason: string | null | undefined;
      await deps.logBus.follow(deployment.id, {
        afterId: 0,
        onEvent: (e) => (e.type === 'line' ? say(e.line) : e.type === 'status' ? ((finalStatus = e.status), (reason = e.reason)) : undefined),
      });
      if (finalStatus !== 'active') {
        ok = false;
        say(`spur: deployment #${deployment.id} ${finalStatus}${reason ? `: ${reason}` : ''}; the push is rejected`);
      }
    }
  }
  return ok;
}
