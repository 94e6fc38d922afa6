// POST /webhooks/<project>/<service>: a git host reports a push; the environments that follow the
// pushed branch (with auto-deploy on) deploy exactly the pushed commit. A pull request's events
// make, update and remove its preview (actions/previews.ts). A delivery id is honoured
// once (ids are remembered for DELIVERY_MEMORY_DAYS); a report of a commit older than what runs is
// refused whatever its delivery id, unless the push started from what runs (a branch reset).
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { randomBytes } from 'node:crypto';
import { changedFilesOf } from '../git/watch-paths.js';
import { Conflict, InvalidInput, Unauthorized } from '../errors.js';
import { unseal } from '../secrets.js';
import { findProject } from '../store/projects.js';
import { findServiceByName } from '../store/services.js';
import { recordDelivery } from '../store/webhook-deliveries.js';
import * as validate from '../validate.js';
import { receivePush } from '../actions/push.js';
import { receivePullRequest } from '../actions/previews.js';
import { isPullRequestEvent, readPullRequest } from '../git/pull-requests.js';
import { sourceKindOf } from '../sources/index.js';
import { checkWebhook } from './webhook-signature.js';
import { requestAddress } from './client.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

const UNKNOWN_SECRET = randomBytes(32).toString('hex');

export function webhookRoutes(deps: Deps) {
  const app = new Hono();
  app.post('/:project/:service', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    const project = await findProject(deps.db, c.req.param('project'));
    const service = project && (await findServiceByName(deps.db, project.id, c.req.param('service')));
    // No webhook here is answered as a wrong signature is, so the answer does not say which
    // projects and services exist.
    const secret = service?.webhook_secret_sealed ? unseal(deps.key, service.webhook_secret_sealed) : UNKNOWN_SECRET;
    const check = checkWebhook((name) => c.req.header(name), body, secret);
    if (!check.ok || !service) throw new Unauthorized(check.ok ? 'no webhook here' : check.reason);
    const pullRequest = isPullRequestEvent(check.provider, check.event);
    if (!check.isPush && !pullRequest) return c.json({ ignored: `the ${check.event || 'unknown'} event is not a push or a pull request` });
    const kind = sourceKindOf(service);
    if (!kind.clones) return c.json({ ignored: `${service.name} ${kind.deploys}, not a remote repository` });
    if (pullRequest) {
      let event;
      try {
        event = readPullRequest(check.provider, JSON.parse(body.toString('utf8')));
      } catch {
        throw new InvalidInput('body', 'must be the JSON of a pull request event');
      }
      if ('ignored' in event) return c.json(event);
      if (!(await recordDelivery(deps.db, { provider: check.provider, deliveryId: check.deliveryId, serviceId: service.id }))) {
        return c.json({ ignored: `delivery ${check.deliveryId} was already processed` });
      }
      const answer = await receivePullRequest(deps, { project: project!, service, provider: check.provider, event, address: await requestAddress(deps, c, { wait: false }) });
      return c.json(answer, 'ignored' in answer ? 200 : 202);
    }

    let payload: { ref?: unknown; after?: unknown; before?: unknown; commits?: unknown };
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidInput('body', 'must be the JSON of a push event');
    }
    const ref = typeof payload.ref === 'string' ? payload.ref : '';
    const sha = typeof payload.after === 'string' ? payload.after : '';
    const before = typeof payload.before === 'string' ? payload.before : '';
    if (!ref.startsWith('refs/heads/')) return c.json({ ignored: `${ref || 'the ref'} is not a branch` });
    const branch = validate.branch(ref.slice('refs/heads/'.length));
    if (/^0+$/.test(sha)) return c.json({ ignored: `branch ${branch} was deleted` });
    if (!SHA.test(sha)) throw new InvalidInput('after', 'must be a commit sha');

    // A replayed delivery deploys nothing new: the delivery id is recorded once.
    if (!(await recordDelivery(deps.db, { provider: check.provider, deliveryId: check.deliveryId, serviceId: service.id }))) {
      return c.json({ ignored: `delivery ${check.deliveryId} was already processed` });
    }

    let unfollowed = false;
    let autoDeployOff = false;
    const deployments = [];
    const refused = [];
    const skipped = [];
    const requests = [];
    const push = receivePush(deps, { service, branch, commit: sha, changedPaths: async () => changedFilesOf(payload), by: { trigger: `webhook:${check.provider}` }, who: { kind: 'webhook', name: check.provider, via: 'webhook', address: await requestAddress(deps, c, { wait: false }) }, refuseOlder: { before } });
    for await (const step of push) {
      if (step.kind === 'unfollowed') unfollowed = true;
      else if (step.kind === 'auto-deploy-off') autoDeployOff = true;
      else if (step.kind === 'skipped') skipped.push({ environment: step.environment, reason: step.reason });
      else if (step.kind === 'refused') refused.push({ environment: step.environment, reason: step.reason });
      else if (step.kind === 'requested') requests.push({ id: step.request.id, environment: step.environment, commit: sha, message: `${step.environment} is protected: deploy request #${step.request.id} waits for an admin's approval` });
      else deployments.push({ id: step.deployment.id, environment: step.environment, commit: sha });
    }
    if (unfollowed) return c.json({ ignored: `branch ${branch} is not deployed by any environment of ${service.name}` });
    if (autoDeployOff && deployments.length + refused.length + skipped.length === 0) return c.json({ ignored: `auto-deploy is off for branch ${branch}` });
    if (deployments.length + requests.length === 0 && refused.length) throw new Conflict(refused.map((r) => `${r.environment}: ${r.reason}`).join('; '));
    if (deployments.length + requests.length === 0) return c.json({ ignored: skipped.map((s) => `${s.environment}: ${s.reason}`).join('; '), skipped });
    return c.json({ deployments, ...(requests.length ? { requests } : {}), ...(refused.length ? { refused } : {}), ...(skipped.length ? { skipped } : {}) }, 202);
  });
  return app;
}
