// All of a service's variables as one .env text: written out for the owner, read back through the
// .env gate, and saved as one change (what the text leaves out is removed). What it would add,
// change and remove is said before it is saved. The web editor and the API both call these.
import type { Deps } from '../deps.js';
import { parseDotEnv } from '../variables/dotenv.js';
import { InvalidFields } from '../errors.js';
import type { AllowedInstance } from './access.js';
import { changeVariables, revealVariables, variableCount, variableValues } from './variables.js';

type Body = Record<string, unknown>;

export interface VariablesDiff {
  added: string[];
  changed: string[];
  removed: string[];
}

/** What replacing `current` by `next` adds, changes and removes, each by name in order. Pure. */
export function diffVariables(current: Record<string, string>, next: Record<string, string>): VariablesDiff {
  const names = (list: string[]) => list.sort();
  return {
    added: names(Object.keys(next).filter((k) => !Object.hasOwn(current, k))),
    changed: names(Object.keys(next).filter((k) => Object.hasOwn(current, k) && current[k] !== next[k])),
    removed: names(Object.keys(current).filter((k) => !Object.hasOwn(next, k))),
  };
}

/** "Adds NEW; changes EDIT; removes OLD." or "Nothing changes." */
export function describeDiff(d: VariablesDiff): string {
  const parts = [d.added.length && `adds ${d.added.join(', ')}`, d.changed.length && `changes ${d.changed.join(', ')}`, d.removed.length && `removes ${d.removed.join(', ')}`].filter(Boolean) as string[];
  if (parts.length === 0) return 'Nothing changes.';
  const sentence = parts.join('; ');
  return `${sentence[0].toUpperCase()}${sentence.slice(1)}.`;
}

/** "1 added, 1 changed, 1 removed". */
export const countDiff = (d: VariablesDiff) => `${d.added.length} added, ${d.changed.length} changed, ${d.removed.length} removed`;

/** A value as a .env line writes it: bare when it reads back the same, else double-quoted (over
 *  several lines when it has them) with \ and " escaped. Pure; parseDotEnv reads it back. */
export function dotEnvLine(name: string, value: string): string {
  if (!/[\n"'`#\\]|^\s|\s$/.test(value)) return `${name}=${value}`;
  return `${name}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Every variable as .env text, by name: the owner's, who may see the values. */
export async function variablesText(deps: Deps, ctx: AllowedInstance): Promise<string> {
  const values = await revealVariables(deps, ctx);
  return Object.keys(values).sort().map((k) => `${dotEnvLine(k, values[k])}\n`).join('');
}

/** What saving `body.env` would do, checked as a save checks it (the owner's, as the text is). */
export async function previewVariablesText(deps: Deps, ctx: AllowedInstance, body: Body): Promise<VariablesDiff> {
  const current = await variableValues(deps, ctx);
  return diffVariables(current, parseDotEnv(typeof body.env === 'string' ? body.env : ''));
}

/** Makes the variables exactly what `body.env` says, as one change; answers what it did. */
export async function replaceVariablesText(deps: Deps, ctx: AllowedInstance, body: Body): Promise<VariablesDiff> {
  const diff = await previewVariablesText(deps, ctx, body);
  const next = parseDotEnv(typeof body.env === 'string' ? body.env : '');
  const changes: Record<string, string | null> = Object.fromEntries([...diff.added, ...diff.changed].map((k) => [k, next[k]]));
  for (const k of diff.removed) changes[k] = null;
  if (Object.keys(changes).length > 500) throw new InvalidFields({ env: `at most 500 changes at once; this makes ${variableCount(Object.keys(changes).length)} differ` });
  if (Object.keys(changes).length) await changeVariables(deps, ctx, changes);
  return diff;
}
