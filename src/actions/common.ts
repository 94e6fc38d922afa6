// What the action files share: the body and actor they receive, the key of a service instance,
// the typed-name confirmation a deletion asks for, and the up-front check for work that needs Docker.
// Refusals name the body field they belong to (validate.fields), so a form can put each beside its input.
import type { Deps } from '../deps.js';
import { DockerUnavailable, InvalidFields } from '../errors.js';
import type { InstanceContext } from '../store/services.js';

export type Body = Record<string, unknown>;

export type { Actor } from './access.js';

export { instanceObject, projectObject } from './record.js';

export const truthy = (v: unknown) => v === true || v === 'true' || v === 'on' || v === '1';

/** A service instance's key in the store: its service and its environment. */
export const scopeOf = (ctx: InstanceContext) => ({ serviceId: ctx.service.id, environmentId: ctx.environment.id });
export const instanceKey = scopeOf;

/** Work that needs Docker is refused up front, with the daemon's problem in words. */
export function requireDaemon(deps: Deps): void {
  if (!deps.daemon.ready) throw new DockerUnavailable(deps.daemon.state.problem ?? 'Docker is not ready');
}

/** Deletion must be confirmed by typing the name (the UI sends it; API and CLI too). */
export function confirmName(body: Body, name: string): void {
  if (body.confirm !== name) throw new InvalidFields({ confirm: `confirm: type the name (${name}) to confirm` });
}

/** What removing a service, an environment or a project needs. */
export const removalDeps = (deps: Deps) => ({ db: deps.db, docker: deps.docker, dataDir: deps.config.dataDir, deployer: deps.deployer });
