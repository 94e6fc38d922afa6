import { describe, expect, it } from 'vitest';
import { makeRedactor, secretValues } from './redact.js';

describe('makeRedactor', () => {
  it('masks every occurrence of secret values, longest first', () => {
    const redact = makeRedactor(['s3cret', 's3cret-longer', 'no']);
    expect(redact('a s3cret-longer b s3cret c no')).toBe('a •••••• b •••••• c no');
  });
  it('leaves text alone without secrets', () => expect(makeRedactor([])('text')).toBe('text'));
});

describe('secretValues', () => {
  it('masks long values and short values whose name says secret, not everyday words', () => {
    const vars = { GREETING: 'hello', ENABLED: 'true', DB_PASSWORD: 'pw12', API_TOKEN: 'abcd', NOTE: 'a longer value', SHORT: 'no' };
    expect(secretValues(vars)).toEqual(['pw12', 'abcd', 'a longer value']);
    expect(makeRedactor(secretValues(vars))('hello-app started; pw12 and a longer value')).toBe('hello-app started; •••••• and ••••••');
  });
});
