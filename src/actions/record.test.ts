import { describe, expect, it } from 'vitest';
import { redactSecrets, secretChanges } from './record.js';

describe('secretChanges', () => {
  it('names what was there before, and each change as (set), (changed) or (removed); unchanged and absent ones are left out', () => {
    expect(secretChanges({ A: '1', B: '2', C: '3' }, { A: '1', B: 'two', C: null, D: '4', E: null })).toEqual({
      before: { A: '(set)', B: '(set)', C: '(set)' },
      after: { B: '(changed)', C: '(removed)', D: '(set)' },
    });
  });
});

describe('redactSecrets', () => {
  it('replaces every value under a secret-sounding key, at any depth, and leaves markers, nulls and the rest', () => {
    expect(
      redactSecrets({
        registry: { address: 'r.example', username: 'u', password: 'p4ss' },
        backupStorage: { accessKeyId: 'AK', secretAccessKey: 'sk' },
        token: 'tok',
        API_KEY: '(changed)',
        privateKey: { pem: '-----BEGIN' },
        domain: 'shop.example',
        names: ['API_KEY'],
        value: 'v',
        secrets: ['a', 'b'],
        passwordHash: null,
      }),
    ).toEqual({
      registry: { address: 'r.example', username: 'u', password: '(set)' },
      backupStorage: { accessKeyId: 'AK', secretAccessKey: '(set)' },
      token: '(set)',
      API_KEY: '(changed)',
      privateKey: { pem: '(set)' },
      domain: 'shop.example',
      names: ['API_KEY'],
      value: '(set)',
      secrets: '(set)',
      passwordHash: null,
    });
  });
});
