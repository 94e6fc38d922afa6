// POST /webhooks/<project>/<service>: a git host reports a push; the environments that follow the
// pushed branch (with auto-deploy on) deploy exactly the pushed commit.
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { trackedBranch } from '../deploy/branches.js';
import { InvalidInput, NotFound, Unauthorized } from '../errors.js';
import { unseal } from '../secrets.js';
import { findProject } from '../store/projects.js';
import { findServiceByName, getInstanceContext, listInstancesOf } from '../store/services.js';
import { nowIso } from '../store/time.js';
import * as validate from '../validate.js';
import * as ops from './operations.js';
import { checkWebhook } from './webhook-signature.js';

const SHA = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function webhookRoutes(deps: Deps) {
  const app = new Hono();
  app.post('/:project/:service', async (c) => {
    const body = Buffer.from(await c.req.arrayBuffer());
    const project = await findProject(deps.db, c.req.param('project'));
    const service = project && (await findServiceByName(deps.db, project.id, c.req.param('service')));
    if (!service || !service.webhook_secret_sealed) throw new NotFound('no webhook here');
    const check = checkWebhook((name) => c.req.header(name), body, unseal(deps.key, service.webhook_secret_sealed));
    if (!check.ok) throw new Unauthorized(check.reason);
    if (!check.isPush) return c.json({ ignored: `the ${check.event || 'unknown'} event is not a push` });
    if (service.source_type !== 'git') return c.json({ ignored: `${service.name} deploys what is pushed to Spur, not a remote repository` });

    let payload: { ref?: unknown; after?: unknown; checkout_sha?: unknown };
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      throw new InvalidInput('body', 'must be the JSON of a push event');
    }
    const ref = typeof payload.ref === 'string' ? payload.ref : '';
    const sha = typeof payload.after === 'string' ? payload.after : '';
    if (!ref.startsWith('refs/heads/')) return c.json({ ignored: `${ref || 'the ref'} is not a branch` });
    const branch = validate.branch(ref.slice('refs/heads/'.length));
    if (/^0+$/.test(sha)) return c.json({ ignored: `branch ${branch} was deleted` });
    if (!SHA.test(sha)) throw new InvalidInput('after', 'must be a commit sha');

    // A replayed delivery deploys nothing new: the delivery id is recorded once.
    const fresh = await deps.db
      .insertInto('webhook_deliveries')
      .values({ provider: check.provider, delivery_id: check.deliveryId.slice(0, 200), service_id: service.id, received_at: nowIso() })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (Number(fresh.numInsertedOrUpdatedRows ?? 0) === 0) return c.json({ ignored: `delivery ${check.deliveryId} was already processed` });

    const instances = (await listInstancesOf(deps.db, service.id)).filter((i) => trackedBranch(service, i.environment, i) === branch);
    if (instances.length === 0) return c.json({ ignored: `branch ${branch} is not deployed by any environment of ${service.name}` });
    const enabled = instances.filter((i) => i.auto_deploy === 1);
    if (enabled.length === 0) return c.json({ ignored: `auto-deploy is off for branch ${branch}` });
    const deployments = [];
    for (const i of enabled) {
      const ctx = await getInstanceContext(deps.db, { serviceId: service.id, environmentId: i.environment_id });
      const d = await ops.deploy(deps, ctx, `webhook:${check.provider}`, sha);
      deployments.push({ id: d.id, environment: i.environment.name, commit: sha });
    }
    return c.json({ deployments }, 202);
  });
  return app;
}
