// A service instance's variables: set, imported from .env text, checked for references, revealed.
import type { Deps } from '../deps.js';
import { InvalidFields, InvalidInput, NotFound } from '../errors.js';
import type { InstanceContext } from '../store/services.js';
import { listVariableNames, readVariables, setVariables } from '../store/variables.js';
import { parseDotEnv } from '../variables/dotenv.js';
import { type ReferenceSources, ReferencesTooLarge, UnresolvedReference, referencesIn, resolveReferences } from '../variables/references.js';
import { referenceSources } from '../databases/reference-sources.js';
import * as validate from '../validate.js';
import { type AllowedInstance, requireTo, wayTo } from './access.js';
import { ask } from './ask.js';
import { type Body, instanceObject, scopeOf } from './common.js';
import { type Doer, audit, secretChanges } from './record.js';

/** Sets variables from `{KEY: value}`; a null value removes the key. All keys are checked before any is stored. */
export async function changeVariables(deps: Deps, ctx: AllowedInstance, input: unknown): Promise<string[]> {
  await requireTo(deps, ctx.acting, 'variables.change', { object: instanceObject(ctx) });
  await storeVariables(deps, ctx, variableChanges(input));
  return listVariableNames(deps.db, scopeOf(ctx));
}

/** Stores variable changes once their references are well formed and form no cycle (a reference
 *  to something not there yet is fine here: the deploy names it if it is still missing), and
 *  records which names were set, changed or removed (never a value) in the same transaction. */
async function storeVariables(deps: Deps, ctx: AllowedInstance, changes: Record<string, string | null>): Promise<void> {
  if ((await wayTo(deps, ctx.acting, 'variables.change', ctx.environment, { object: instanceObject(ctx) })) === 'ask') {
    // Checked now as well, so a change that could never apply is refused at once.
    const current = await readVariables(deps.db, deps.key, scopeOf(ctx));
    checkReferences(ctx.service.name, current, changes, await referenceSources(deps.db, deps.key, ctx.environment.id, ctx.service.id));
    await ask(deps, { who: ctx.acting, kind: 'variables', project: ctx.project, environment: ctx.environment, service: ctx.service, trigger: 'variables', payload: { changes }, summary: changeSummary(changes) });
  }
  await applyVariables(deps, ctx.acting, ctx, changes);
}

/** Names set and removed by a change (what a request shows of it; values never). */
export const changeSummary = (changes: Record<string, string | null>) => ({ set: Object.keys(changes).filter((k) => changes[k] !== null), removed: Object.keys(changes).filter((k) => changes[k] === null) });

/** Stores variable changes as `who` made them (a request runs them as its requester's). */
export async function applyVariables(deps: Deps, who: Doer, ctx: InstanceContext, changes: Record<string, string | null>): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const current = await readVariables(tx, deps.key, scopeOf(ctx));
    checkReferences(ctx.service.name, current, changes, await referenceSources(tx, deps.key, ctx.environment.id, ctx.service.id));
    await setVariables(tx, deps.key, scopeOf(ctx), changes);
    await audit(deps, who, 'variables.change', instanceObject(ctx), { ...secretChanges(current, changes), tx });
  });
}

/** Refuses changes whose references are malformed, or that would make a cycle with the other
 *  variables of the environment (`sources`). */
export function checkReferences(self: string, current: Record<string, string>, changes: Record<string, string | null>, sources: ReferenceSources): void {
  for (const [name, value] of Object.entries(changes)) {
    if (value === null) continue;
    try {
      referencesIn(value);
    } catch (err) {
      if (err instanceof InvalidInput) throw new InvalidFields({ value: `${name}: ${err.message.replace(/^value: /, '')}` });
      throw err;
    }
  }
  const next = { ...current, ...changes };
  const kept = Object.fromEntries(Object.entries(next).filter((e): e is [string, string] => e[1] !== null));
  try {
    resolveReferences(self, kept, sources, { missing: 'keep' });
  } catch (err) {
    if (err instanceof UnresolvedReference) throw new InvalidFields({ value: err.message });
    throw err;
  }
}

/** Variable changes as a body gives them (`{NAME: value | null}`), each name and value checked. */
export function variableChanges(input: unknown): Record<string, string | null> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidInput('variables', 'give an object of NAME: value');
  const changes: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(input)) changes[validate.variableKey(k)] = v === null ? null : validate.variableValue(v);
  if (Object.keys(changes).length > 500) throw new InvalidInput('variables', 'at most 500 at once');
  return changes;
}

export const variableNames = (deps: Deps, ctx: InstanceContext) => listVariableNames(deps.db, scopeOf(ctx));

/** Of each variable that holds references: what it references, and whether that resolves now
 *  (null) or what is missing. Values themselves stay masked. */
export async function variableReferences(deps: Deps, ctx: InstanceContext): Promise<Record<string, { references: string[]; problem: string | null }>> {
  const values = await readVariables(deps.db, deps.key, scopeOf(ctx));
  const holding = Object.entries(values).filter(([, v]) => v.includes('${{'));
  if (holding.length === 0) return {};
  const sources = await referenceSources(deps.db, deps.key, ctx.environment.id, ctx.service.id);
  const out: Record<string, { references: string[]; problem: string | null }> = {};
  for (const [key, value] of holding) {
    let problem: string | null = null;
    let references: string[] = [];
    try {
      references = referencesIn(value);
      resolveReferences(ctx.service.name, values, sources, { only: key });
    } catch (err) {
      if (!(err instanceof UnresolvedReference || err instanceof InvalidInput)) throw err;
      problem = err.message;
    }
    out[key] = { references, problem };
  }
  return out;
}

/** Sets one variable from a form's `key` and `value` (an absent value is empty); returns its name. */
export async function setVariable(deps: Deps, ctx: AllowedInstance, body: Body): Promise<string> {
  await requireTo(deps, ctx.acting, 'variables.change', { object: instanceObject(ctx) });
  const { key, value } = validate.fields({ key: () => validate.variableKey(body.key), value: () => validate.variableValue(body.value ?? '') });
  await storeVariables(deps, ctx, { [key]: value });
  return key;
}

/** One value in clear, for those who may reveal values. */
export async function revealVariable(deps: Deps, ctx: AllowedInstance, name: unknown): Promise<{ name: string; value: string }> {
  const key = validate.variableKey(name);
  const values = await variableValues(deps, ctx);
  if (!Object.hasOwn(values, key)) throw new NotFound(`no variable ${key}`);
  await audit(deps, ctx.acting, 'variables.reveal', instanceObject(ctx), { after: { names: [key] } });
  return { name: key, value: values[key] };
}

/** The values in clear, for those who may reveal values (admins and the owner); the reveal is
 *  recorded (the names shown). */
export async function revealVariables(deps: Deps, ctx: AllowedInstance): Promise<Record<string, string>> {
  const values = await variableValues(deps, ctx);
  await audit(deps, ctx.acting, 'variables.reveal', instanceObject(ctx), { after: { names: Object.keys(values) } });
  return values;
}

/** The values, for one who may see them (compared, not shown: a .env text's preview). */
export async function variableValues(deps: Deps, ctx: AllowedInstance): Promise<Record<string, string>> {
  await requireTo(deps, ctx.acting, 'variables.reveal', { object: instanceObject(ctx) });
  return readVariables(deps.db, deps.key, scopeOf(ctx));
}

/** Sets every NAME=value entry of a pasted .env text; the other variables stay. Answers the
 *  names it set. */
export async function importVariables(deps: Deps, ctx: AllowedInstance, body: Body): Promise<string[]> {
  await requireTo(deps, ctx.acting, 'variables.change', { object: instanceObject(ctx) });
  const parsed = parseDotEnv(typeof body.env === 'string' ? body.env : '');
  if (Object.keys(parsed).length === 0) throw new InvalidFields({ env: 'paste at least one NAME=value line' });
  await changeVariables(deps, ctx, parsed);
  return Object.keys(parsed);
}

/** "5 variables", "1 variable". */
export const variableCount = (n: number) => `${n} variable${n === 1 ? '' : 's'}`;

/** A variable that a change elsewhere (a shared variable, another service's) made resolve past
 *  the limit is refused with the deploy request, naming it. Missing references are left to the
 *  deployment, which fails before its build saying which (it resolves again in any case). */
export async function refuseOversizedVariables(deps: Deps, ctx: InstanceContext): Promise<void> {
  const own = await readVariables(deps.db, deps.key, scopeOf(ctx));
  try {
    resolveReferences(ctx.service.name, own, await referenceSources(deps.db, deps.key, ctx.environment.id, ctx.service.id), { missing: 'keep' });
  } catch (err) {
    if (err instanceof ReferencesTooLarge) throw new InvalidFields({ value: err.message });
    if (!(err instanceof UnresolvedReference)) throw err;
  }
}
