// A project environment's shared variables: any service of it references one as
// `${{shared.NAME}}`. Members see the names; the owner alone sees the values.
import type { Environment } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { SHARED, referenceSources } from '../databases/reference-sources.js';
import { type Actor, type ProjectAction, openProject, wayTo } from './access.js';
import { ask } from './ask.js';
import { DEFAULT_ENVIRONMENT, getEnvironment } from '../store/projects.js';
import { listSharedVariableNames, readSharedVariables, setSharedVariables } from '../store/shared-variables.js';
import { changeSummary, checkReferences, variableChanges } from './variables.js';
import { type Doer, audit, secretChanges } from './record.js';


async function environmentOf(deps: Deps, user: Actor, projectName: string, environmentName: string | undefined, action: ProjectAction) {
  const { project, acting } = await openProject(deps.db, user, projectName, action);
  return { acting, project, environment: await getEnvironment(deps.db, project, environmentName ?? DEFAULT_ENVIRONMENT) };
}

export async function sharedVariableNames(deps: Deps, user: Actor, projectName: string, environmentName?: string): Promise<string[]> {
  return listSharedVariableNames(deps.db, (await environmentOf(deps, user, projectName, environmentName, 'variables.read-names')).environment.id);
}

export async function revealSharedVariables(deps: Deps, user: Actor, projectName: string, environmentName?: string): Promise<Record<string, string>> {
  const { environment, acting } = await environmentOf(deps, user, projectName, environmentName, 'variables.reveal');
  const values = await readSharedVariables(deps.db, deps.key, environment.id);
  await audit(deps, acting, 'variables.reveal', sharedObject(projectName, environment), { after: { names: Object.keys(values) } });
  return values;
}

/** A project environment's shared variables, as the audit log names them. */
export const sharedObject = (projectName: string, environment: Environment) => ({ kind: 'shared variables', id: environment.id, name: `${projectName} (${environment.name})`, projectId: environment.project_id });

/** Sets (value) or removes (null) shared variables once their references are well formed and
 *  make no cycle with the services' variables; every service of the environment then shows the
 *  change as not yet deployed. */
export async function changeSharedVariables(deps: Deps, user: Actor, projectName: string, input: unknown, environmentName?: string): Promise<string[]> {
  const { environment, acting, project } = await environmentOf(deps, user, projectName, environmentName, 'variables.change');
  const changes = variableChanges(input);
  if ((await wayTo(deps, acting, 'variables.change', environment, { object: sharedObject(projectName, environment) })) === 'ask') {
    checkReferences(SHARED, await readSharedVariables(deps.db, deps.key, environment.id), changes, await referenceSources(deps.db, deps.key, environment.id));
    await ask(deps, { who: acting, kind: 'shared-variables', project, environment, trigger: 'shared variables', payload: { changes }, summary: changeSummary(changes) });
  }
  await applySharedVariables(deps, acting, { projectName, environment }, changes);
  return listSharedVariableNames(deps.db, environment.id);
}

/** Stores shared variable changes as `who` made them (a request runs them as its requester's). */
export async function applySharedVariables(deps: Deps, who: Doer, at: { projectName: string; environment: Environment }, changes: Record<string, string | null>): Promise<void> {
  const { environment } = at;
  await deps.db.transaction().execute(async (tx) => {
    const current = await readSharedVariables(tx, deps.key, environment.id);
    checkReferences(SHARED, current, changes, await referenceSources(tx, deps.key, environment.id));
    await setSharedVariables(tx, deps.key, environment.id, changes);
    await audit(deps, who, 'variables.change', sharedObject(at.projectName, environment), { ...secretChanges(current, changes), tx });
  });
}
