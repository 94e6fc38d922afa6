import { describe, expect, it } from 'vitest';
import { DnsChecks, judgeDns } from './dns-check.js';

describe('DNS check', () => {
  it('says whether a name points here, elsewhere, or nowhere, with what was found and expected', () => {
    expect(judgeDns(['203.0.113.7'], ['203.0.113.7'])).toEqual({ points: 'here', found: ['203.0.113.7'], expected: ['203.0.113.7'] });
    expect(judgeDns(['198.51.100.1'], ['203.0.113.7']).points).toBe('elsewhere');
    // An AAAA record elsewhere sends the CA there too.
    expect(judgeDns(['2001:db8::1', '203.0.113.7'], ['203.0.113.7']).points).toBe('elsewhere');
    expect(judgeDns([], ['203.0.113.7']).points).toBe('nowhere');
  });

  it('asks once a minute per name, and a failed lookup is "nowhere"', async () => {
    let lookups = 0;
    const checks = new DnsChecks(['203.0.113.7'], async (h) => (lookups++, h === 'bad.example' ? Promise.reject(new Error('SERVFAIL')) : ['203.0.113.7']));
    expect((await checks.check('a.example')).points).toBe('here');
    expect((await checks.check('a.example')).points).toBe('here');
    expect(lookups).toBe(1);
    expect((await checks.check('bad.example')).points).toBe('nowhere');
  });
});
