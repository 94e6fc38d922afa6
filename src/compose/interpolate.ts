// Compose's variable interpolation in a value: `$$` is a literal `$`; `$X` and `${X}` are the
// variable's value; `${X:-d}` / `${X-d}` a default when unset or empty / unset; `${X:?e}` /
// `${X?e}` an error; `${X:+r}` / `${X+r}` a replacement when set. Defaults and replacements may
// themselves hold interpolations. Pure.

export class InterpolationError extends Error {}

/** How far one value may grow, and how deep defaults may nest: a value that names another many
 *  times, or defaults nested thousands deep, would otherwise take the server's memory or stack. */
export const INTERPOLATION_LIMITS = { valueBytes: 32 * 1024, depth: 10 } as const;

/** What all the values of one file may add up to once interpolated, shared by every call. */
export class ExpansionBudget {
  constructor(public left: number) {}
  spend(n: number): void {
    this.left -= n;
    if (this.left < 0) throw new InterpolationError('the values grow past what Spur reads of one file once interpolated');
  }
}

export interface Interpolated {
  value: string;
  /** Variables used with no value and no default: Compose reads them as empty. */
  unset: string[];
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function interpolate(text: string, vars: ReadonlyMap<string, string>, budget?: ExpansionBudget): Interpolated {
  const unset: string[] = [];
  const value = expand(text, vars, unset, 0);
  budget?.spend(value.length);
  return { value, unset };
}

function grown(out: string): string {
  if (out.length > INTERPOLATION_LIMITS.valueBytes) throw new InterpolationError(`a value longer than ${INTERPOLATION_LIMITS.valueBytes / 1024} KiB once interpolated`);
  return out;
}

function expand(text: string, vars: ReadonlyMap<string, string>, unset: string[], depth: number): string {
  if (depth > INTERPOLATION_LIMITS.depth) throw new InterpolationError(`defaults nested more than ${INTERPOLATION_LIMITS.depth} deep`);
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== '$') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === '$') {
      out += '$';
      i += 2;
    } else if (next === '{') {
      const end = closingBrace(text, i + 2);
      if (end < 0) throw new InterpolationError(`invalid interpolation format in "${text}": a \${ is not closed`);
      out = grown(out + substitute(text.slice(i + 2, end), vars, unset, depth));
      i = end + 1;
    } else {
      const name = NAME.exec(text.slice(i + 1))?.[0];
      if (!name) {
        out += '$';
        i++;
        continue;
      }
      out = grown(out + lookup(name, vars, unset));
      i += 1 + name.length;
    }
  }
  return out;
}

/** The `}` that closes a `${` opened before `from`, past any nested `${…}`. */
function closingBrace(text: string, from: number): number {
  let depth = 1;
  for (let i = from; i < text.length; i++) {
    if (text[i] === '$' && text[i + 1] === '$') i++;
    else if (text[i] === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function lookup(name: string, vars: ReadonlyMap<string, string>, unset: string[]): string {
  const value = vars.get(name);
  if (value === undefined) {
    if (!unset.includes(name)) unset.push(name);
    return '';
  }
  return value;
}

function substitute(inner: string, vars: ReadonlyMap<string, string>, unset: string[], depth: number): string {
  const name = NAME.exec(inner)?.[0];
  if (!name) throw new InterpolationError(`invalid interpolation format: "\${${inner}}" names no variable`);
  const rest = inner.slice(name.length);
  if (rest === '') return lookup(name, vars, unset);
  const operator = /^(:?[-?+])/.exec(rest)?.[1];
  if (!operator) throw new InterpolationError(`invalid interpolation format: "\${${inner}}"`);
  const arg = rest.slice(operator.length);
  const value = vars.get(name);
  const emptyCounts = operator.startsWith(':');
  const missing = value === undefined || (emptyCounts && value === '');
  switch (operator.at(-1)) {
    case '-':
      return missing ? expand(arg, vars, unset, depth + 1) : value!;
    case '+':
      return missing ? '' : expand(arg, vars, unset, depth + 1);
    default:
      // The message as written: expanded, it could say a variable's value back.
      if (missing) throw new InterpolationError(`required variable ${name} is ${value === undefined ? 'missing a value' : 'empty'}${arg ? `: ${arg.slice(0, 200)}` : ''}`);
      return value!;
  }
}
