import { describe, expect, it } from 'vitest';
import { makeRedactor } from './redact.js';

describe('makeRedactor', () => {
  it('masks every occurrence of secret values, longest first', () => {
    const redact = makeRedactor(['s3cret', 's3cret-longer', 'no']);
    expect(redact('a s3cret-longer b s3cret c no')).toBe('a •••••• b •••••• c no');
  });
  it('leaves text alone without secrets', () => expect(makeRedactor([])('text')).toBe('text'));
});
