import { describe, expect, it } from 'vitest';
import { UnresolvedReference, referencesIn, resolveReferences } from './references.js';

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
