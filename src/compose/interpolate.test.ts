import { describe, expect, it } from 'vitest';
import { InterpolationError, interpolate } from './interpolate.js';

const vars = new Map([['A', 'a'], ['EMPTY', ''], ['PORT', '8080']]);
const run = (text: string) => interpolate(text, vars).value;

describe('interpolate', () => {
  it('reads $X and ${X}, and $$ as a literal $', () => {
    expect(run('$A-${A}-$$A-$${A}')).toBe('a-a-$A-${A}');
    expect(run('price: 5$')).toBe('price: 5$');
  });

  it('takes defaults for unset (-) or unset-or-empty (:-) variables', () => {
    expect(run('${MISSING-d} ${EMPTY-d} ${EMPTY:-d} ${A:-d}')).toBe('d  d a');
  });

  it('takes replacements (+ / :+) only when set', () => {
    expect(run('[${A:+yes}] [${EMPTY+set}] [${EMPTY:+set}] [${MISSING+x}]')).toBe('[yes] [set] [] []');
  });

  it('expands interpolations inside a default', () => {
    expect(run('${MISSING:-${PORT}}')).toBe('8080');
    expect(run('${MISSING:-http://${A}:${PORT:-1}/x}')).toBe('http://a:8080/x');
  });

  it('refuses a required variable that is missing, with its message as written (never a value)', () => {
    expect(() => run('${MISSING:?set MISSING in .env}')).toThrow(/required variable MISSING is missing a value: set MISSING in .env/);
    expect(() => run('${MISSING:?${A}}')).toThrow(/required variable MISSING is missing a value: \$\{A\}$/);
    expect(() => run('${EMPTY:?}')).toThrow(/EMPTY is empty/);
    expect(run('${EMPTY?}')).toBe('');
  });

  it('reports unset variables without a default, and reads them as empty', () => {
    expect(interpolate('${NOPE} $NOPE2', vars)).toEqual({ value: ' ', unset: ['NOPE', 'NOPE2'] });
  });

  it('refuses a malformed interpolation', () => {
    expect(() => run('${A')).toThrow(InterpolationError);
    expect(() => run('${}')).toThrow(/names no variable/);
    expect(() => run('${A!x}')).toThrow(/invalid interpolation format/);
  });
});

describe('interpolation limits', () => {
  it('refuses a value that grows past 32 KiB, and defaults nested past 10', () => {
    const big = new Map([['A', 'x'.repeat(20_000)]]);
    expect(interpolate('${A}', big).value.length).toBe(20_000);
    expect(() => interpolate('${A}${A}', big)).toThrow(/longer than 32 KiB/);
    const nested = (n: number) => `${'${A:-'.repeat(n)}x${'}'.repeat(n)}`;
    expect(interpolate(nested(10), new Map()).value).toBe('x');
    expect(() => interpolate(nested(11), new Map())).toThrow(/nested more than 10 deep/);
    // Forty thousand deep is refused at once, not after the stack is gone.
    expect(() => interpolate(nested(40_000), new Map())).toThrow(InterpolationError);
  });
});
