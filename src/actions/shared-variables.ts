// A project environment's shared variables: any service of it references one as
// `${{shared.NAME}}`. Members see the names; the owner alone sees the values.
import type { Deps } from '../deps.js';
import type { User } from '../db/schema.js';
import { SHARED, referenceSources } from '../databases/reference-sources.js';
import { type ProjectAction, getProjectFor } from './access.js';
import { DEFAULT_ENVIRONMENT, getEnvironment } from '../store/projects.js';
import { listSharedVariableNames, readSharedVariables, setSharedVariables } from '../store/shared-variables.js';
import { checkReferences, variableChanges } from './variables.js';

type Actor = Pick<User, 'id' | 'role'>;

async function environmentOf(deps: Deps, user: Actor, projectName: string, environmentName: string | undefined, action: ProjectAction) {
  const project = await getProjectFor(deps.db, user, projectName, action);
  return getEnvironment(deps.db, project, environmentName ?? DEFAULT_ENVIRONMENT);
}

export async function sharedVariableNames(deps: Deps, user: Actor, projectName: string, environmentName?: string): Promise<string[]> {
  return listSharedVariableNames(deps.db, (await environmentOf(deps, user, projectName, environmentName, 'variables.read-names')).id);
}

export async function revealSharedVariables(deps: Deps, user: Actor, projectName: string, environmentName?: string): Promise<Record<string, string>> {
  return readSharedVariables(deps.db, deps.key, (await environmentOf(deps, user, projectName, environmentName, 'variables.reveal')).id);
}

/** Sets (value) or removes (null) shared variables once their references are well formed and
 *  make no cycle with the services' variables; every service of the environment then shows the
 *  change as not yet deployed. */
export async function changeSharedVariables(deps: Deps, user: Actor, projectName: string, input: unknown, environmentName?: string): Promise<string[]> {
  const environment = await environmentOf(deps, user, projectName, environmentName, 'variables.change');
  const changes = variableChanges(input);
  checkReferences(SHARED, await readSharedVariables(deps.db, deps.key, environment.id), changes, await referenceSources(deps.db, deps.key, environment.id));
  await setSharedVariables(deps.db, deps.key, environment.id, changes);
  return listSharedVariableNames(deps.db, environment.id);
}
