// Reference variables, Railway style: a value may hold `${{pg.DATABASE_URL}}` (a database's
// variable) or `${{api.PORT}}` (another service's), resolved when a deployment starts. Pure.
import { InvalidInput } from '../errors.js';

const LINE_END = /[\n\r\u2028\u2029]/g;
const TARGET = /^\s*([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([A-Za-z_][A-Za-z0-9_]{0,127})\s*$/;

export class UnresolvedReference extends Error {}

/** A value that references multiply (a 32 KiB value of `${{shared.A}}`s, each itself 32 KiB)
 *  would grow past what a container's environment can hold: refused as it grows, never built. */
export class ReferencesTooLarge extends UnresolvedReference {}

/** What one variable may hold once its references are replaced (a typed value holds 32 KiB). */
export const RESOLVED_VALUE_MAX = 64 * 1024;
/** What the variables of one service may come to in all, references replaced. */
export const RESOLVED_TOTAL_MAX = 1024 * 1024;

/** The references in a value, as `name.VARIABLE`; refuses one that is not of that form (and a
 *  `${{` left open). */
export function referencesIn(value: string): string[] {
  const found: string[] = [];
  const matches = referenceMatches(value);
  for (const m of matches) {
    const t = TARGET.exec(m.inner);
    if (!t) throw new InvalidInput('value', `${m.text} is not a reference: write \${{name.VARIABLE}}, a service's or database's name and one of its variables`);
    found.push(`${t[1]}.${t[2]}`);
  }
  let rest = '';
  let last = 0;
  for (const m of matches) [rest, last] = [rest + value.slice(last, m.index), m.index + m.text.length];
  if ((rest + value.slice(last)).includes('${{')) throw new InvalidInput('value', '${{ is not closed: write ${{name.VARIABLE}}');
  return found;
}

/** Every `${{…}}` of a value, as `/\$\{\{(.*?)\}\}/g` finds them (the first `}}` after each
 *  `${{`, on the same line), in one pass: that regex rescanned the rest of the value from each
 *  `${{` that does not close, so a 32 KiB value of them took a tenth of a second per check. */
function referenceMatches(value: string): { index: number; text: string; inner: string }[] {
  const out: { index: number; text: string; inner: string }[] = [];
  // The next `}}` and the next line break at or after some earlier point: still right for a
  // later `${{` as long as they lie after it; looked up again only when passed.
  let close = -2;
  let lineEnd = -2;
  for (let at = value.indexOf('${{'); at >= 0; ) {
    const from = at + 3;
    if (close !== -1 && close < from) close = value.indexOf('}}', from);
    if (lineEnd !== -1 && lineEnd < from) {
      LINE_END.lastIndex = from;
      lineEnd = LINE_END.exec(value)?.index ?? -1;
    }
    if (close >= 0 && (lineEnd < 0 || close < lineEnd)) {
      out.push({ index: at, text: value.slice(at, close + 2), inner: value.slice(from, close) });
      at = value.indexOf('${{', close + 2);
    } else at = value.indexOf('${{', at + 1);
  }
  return out;
}

/** The variables of every service and database of the environment, by name. */
export type ReferenceSources = ReadonlyMap<string, Readonly<Record<string, string>>>;

/** Replaces every reference in `variables` (those of `self`). A reference to a name or variable
 *  that does not exist, or a cycle, throws UnresolvedReference naming it; with `missing: 'keep'`
 *  (checking a change before it is stored) a missing one is left as written and only cycles throw;
 *  with `only`, that variable alone is resolved. */
export function resolveReferences(self: string, variables: Record<string, string>, sources: ReferenceSources, opts: { missing?: 'fail' | 'keep'; only?: string } = {}): Record<string, string> {
  const resolved = new Map<string, string>();
  const lookup = (name: string, key: string, chain: string[]): string | undefined => {
    const id = `${name}.${key}`;
    if (chain.includes(id)) throw new UnresolvedReference(`the references form a cycle: ${[...chain, id].join(' → ')}`);
    const raw = (name === self ? variables : sources.get(name))?.[key];
    if (raw === undefined) {
      if (opts.missing === 'keep') return undefined;
      throw new UnresolvedReference(sources.has(name) || name === self ? `\${{${id}}}: ${name} has no variable ${key}` : `\${{${id}}}: there is no service or database named ${name} in this environment`);
    }
    if (!resolved.has(id)) resolved.set(id, expand(raw, [...chain, id]));
    return resolved.get(id);
  };
  // Piece by piece, the size (UTF-8 bytes, as the environment holds it) checked after each: the
  // value is refused before it is built.
  const expand = (value: string, chain: string[]) => {
    let out = '';
    let bytes = 0;
    let last = 0;
    const append = (piece: string) => {
      out += piece;
      bytes += Buffer.byteLength(piece);
      if (bytes > RESOLVED_VALUE_MAX) throw tooLarge(chain.at(-1)!);
    };
    for (const m of referenceMatches(value)) {
      const t = TARGET.exec(m.inner);
      append(value.slice(last, m.index) + (t ? (lookup(t[1], t[2], chain) ?? m.text) : m.text));
      last = m.index + m.text.length;
    }
    append(value.slice(last));
    return out;
  };
  const chosen = Object.entries(variables).filter(([key]) => opts.only === undefined || key === opts.only);
  let total = 0;
  return Object.fromEntries(
    chosen.map(([key, value]) => {
      const out = expand(value, [`${self}.${key}`]);
      total += Buffer.byteLength(out);
      if (total > RESOLVED_TOTAL_MAX) throw new ReferencesTooLarge(`the variables of ${self} come to more than 1 MiB once references are replaced (${key} went over)`);
      return [key, out];
    }),
  );
}

const tooLarge = (id: string) => new ReferencesTooLarge(`${id} resolves to more than 64 KiB once its references are replaced; a value may hold at most 64 KiB after that`);
