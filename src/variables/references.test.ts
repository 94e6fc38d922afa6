import { describe, expect, it } from 'vitest';
import { RESOLVED_TOTAL_MAX, RESOLVED_VALUE_MAX, ReferencesTooLarge, UnresolvedReference, referencesIn, resolveReferences } from './references.js';

const sources = new Map<string, Record<string, string>>([
  ['pg', { DATABASE_URL: 'postgresql://app:pw@pg:5432/app', PGHOST: 'pg' }],
  ['api', { PORT: '8080', URL: 'http://api:${{api.PORT}}' }],
]);

describe('references', () => {
  it("resolve a database's variable, another service's (itself holding a reference), and the service's own", () => {
    const out = resolveReferences('web', { DATABASE_URL: '${{pg.DATABASE_URL}}', API: '${{ api.URL }}/v1', MIX: '${{pg.PGHOST}}-${{web.NAME}}', NAME: 'web', PLAIN: 'a $ {{x}} b' }, sources);
    expect(out).toEqual({ DATABASE_URL: 'postgresql://app:pw@pg:5432/app', API: 'http://api:8080/v1', MIX: 'pg-web', NAME: 'web', PLAIN: 'a $ {{x}} b' });
  });

  it('name what is missing', () => {
    expect(() => resolveReferences('web', { X: '${{nope.URL}}' }, sources)).toThrow(new UnresolvedReference('${{nope.URL}}: there is no service or database named nope in this environment'));
    expect(() => resolveReferences('web', { X: '${{pg.PASSWORD}}' }, sources)).toThrow('${{pg.PASSWORD}}: pg has no variable PASSWORD');
    expect(resolveReferences('web', { X: '${{nope.URL}}' }, sources, { missing: 'keep' })).toEqual({ X: '${{nope.URL}}' });
  });

  it('refuse a cycle, also when missing ones are kept', () => {
    const cyclic = new Map([['api', { A: '${{web.B}}' }]]);
    for (const missing of ['fail', 'keep'] as const) {
      expect(() => resolveReferences('web', { B: '${{api.A}}' }, cyclic, { missing })).toThrow(/cycle: web\.B → api\.A → web\.B/);
      expect(() => resolveReferences('web', { A: '${{web.A}}' }, cyclic, { missing })).toThrow(/cycle: web\.A → web\.A/);
    }
  });

  it('check the syntax of what is typed', () => {
    expect(referencesIn('x ${{pg.DATABASE_URL}} y ${{ api.PORT }}')).toEqual(['pg.DATABASE_URL', 'api.PORT']);
    expect(referencesIn('no references, $HOME and {{x}}')).toEqual([]);
    for (const bad of ['${{pg}}', '${{pg.}}', '${{.X}}', '${{Pg.X}}', '${{pg.X-Y}}', '${{pg.X}', '${{ pg.X; rm -rf }}', '${{a.b.c}}', '${{}}']) {
      expect(() => referencesIn(bad), bad).toThrow(/is not a reference|is not closed/);
    }
  });
});

describe('what references may grow to', () => {
  const KiB = 1024;
  // The review's case: 32 KiB values made of ${{shared.X}}, each level multiplying the one below.
  const times = (ref: string) => ref.repeat(Math.floor((32 * KiB) / ref.length));
  const chain = new Map([['shared', { A: 'a'.repeat(32 * KiB), B: times('${{shared.A}}'), C: times('${{shared.B}}'), D: times('${{shared.C}}') }]]);

  it('refuse a chain of 32 KiB values, naming the variable that went over, without building it', () => {
    for (const missing of ['fail', 'keep'] as const) {
      expect(() => resolveReferences('web', { X: '${{shared.D}}' }, chain, { missing })).toThrow(new ReferencesTooLarge('shared.B resolves to more than 64 KiB once its references are replaced; a value may hold at most 64 KiB after that'));
      expect(() => resolveReferences('shared', chain.get('shared')!, new Map(), { missing })).toThrow(/^shared\.B resolves to more than 64 KiB/);
    }
    // A reference error like any other: the callers that refuse unresolved ones refuse this too.
    expect(new ReferencesTooLarge('x')).toBeInstanceOf(UnresolvedReference);
    expect(RESOLVED_VALUE_MAX).toBe(64 * KiB);
  });

  it('let a value through that resolves to just under the limit, and name the one just over it', () => {
    const sources = new Map([['shared', { HALF: 'h'.repeat(32 * KiB) }]]);
    const under = resolveReferences('web', { X: '${{shared.HALF}}${{shared.HALF}}' }, sources);
    expect(under.X.length).toBe(64 * KiB);
    expect(() => resolveReferences('web', { X: '${{shared.HALF}}${{shared.HALF}}!' }, sources)).toThrow(/^web\.X resolves to more than 64 KiB/);
  });

  it("count bytes as a container's environment does, not characters", () => {
    // Three times 10,000 euro signs: 90,000 bytes in UTF-8, past 64 KiB, though 30,000 characters.
    const sources = new Map([['shared', { E: '€'.repeat(10_000) }]]);
    expect(() => resolveReferences('web', { X: '${{shared.E}}${{shared.E}}${{shared.E}}' }, sources)).toThrow(/^web\.X resolves to more than 64 KiB/);
    expect(() => resolveReferences('web', { X: '€'.repeat(22_000) }, new Map())).toThrow(/^web\.X resolves to more than 64 KiB/);
  });

  it('cap the variables of one service in all', () => {
    const big = 'b'.repeat(32 * KiB);
    const sources = new Map([['shared', { BIG: big }]]);
    const each = '${{shared.BIG}}${{shared.BIG}}';
    const count = Math.floor(RESOLVED_TOTAL_MAX / (64 * KiB));
    const fits = Object.fromEntries(Array.from({ length: count - 1 }, (_, i) => [`V${i}`, each]));
    expect(Object.keys(resolveReferences('web', fits, sources)).length).toBe(count - 1);
    const over = { ...fits, [`V${count - 1}`]: each, [`V${count}`]: each };
    expect(() => resolveReferences('web', over, sources)).toThrow(new ReferencesTooLarge(`the variables of web come to more than 1 MiB once references are replaced (V${count} went over)`));
  });
});

describe('finding references (as /\\$\\{\\{(.*?)\\}\\}/g does, in one pass)', () => {
  const REGEX = /\$\{\{(.*?)\}\}/g;
  /** The regex's reading: the references, or the refusal's kind. */
  const byRegex = (value: string) => {
    const found: string[] = [];
    for (const m of value.matchAll(REGEX)) {
      const t = /^\s*([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\.([A-Za-z_][A-Za-z0-9_]{0,127})\s*$/.exec(m[1]);
      if (!t) return 'refused';
      found.push(`${t[1]}.${t[2]}`);
    }
    return value.replace(REGEX, '').includes('${{') ? 'refused' : found;
  };
  const ours = (value: string) => {
    try {
      return referencesIn(value);
    } catch {
      return 'refused';
    }
  };

  it('reads every value as the regex did', () => {
    const parts = ['${{', '}}', 'a.B', 'pg.URL', ' ', '\n', '\u2028', '$', '{', '}', 'x', '${{a.B}}', '.'];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % parts.length;
    for (let i = 0; i < 5000; i++) {
      const value = Array.from({ length: 1 + (i % 12) }, () => parts[next()]).join('');
      expect(ours(value), JSON.stringify(value)).toEqual(byRegex(value));
    }
  });

  it('checks a 32 KiB value of unclosed ${{ in linear time', () => {
    const started = Date.now();
    expect(() => referencesIn('${{'.repeat(10_922))).toThrow(/not closed/);
    expect(() => referencesIn('${{a'.repeat(8_190) + '}}')).toThrow(/is not a reference/);
    expect(() => referencesIn(`${'${{a.B\n'.repeat(4_000)}`)).toThrow(/not closed/);
    expect(Date.now() - started).toBeLessThan(100);
  });
});
