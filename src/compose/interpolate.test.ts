import { describe, expect, it } from 'vitest';
import { InterpolationError, interpolate } from './interpolate.js';
import { parseDotenv } from './dotenv.js';

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

  it('refuses a required variable that is missing, with its message', () => {
    expect(() => run('${MISSING:?set MISSING in .env}')).toThrow(/required variable MISSING is missing a value: set MISSING in .env/);
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

describe('parseDotenv', () => {
  it('reads bare, quoted and exported values, comments and earlier variables', () => {
    const env = parseDotenv(['# comment', 'A=1', 'export B = two words # note', "C='${A} literal'", 'D="line\\nnext ${A}"', '', 'E=${A}${B}'].join('\n'));
    expect(Object.fromEntries(env)).toEqual({ A: '1', B: 'two words', C: '${A} literal', D: 'line\nnext 1', E: '1two words' });
  });

  it('refuses lines that are not KEY=value, naming the line', () => {
    expect(() => parseDotenv('A=1\nnot a pair')).toThrow(/\.env line 2: write KEY=value/);
    expect(() => parseDotenv('1A=x')).toThrow(/line 1: 1A is not a variable name/);
    expect(() => parseDotenv('A="open')).toThrow(/not closed/);
  });
});
