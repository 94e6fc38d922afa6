import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hashPassword, safeEqual, seal, unseal, verifyPassword } from './secrets.js';

describe('secrets', () => {
  it('seals and unseals values; tampering is detected', () => {
    const key = randomBytes(32);
    const sealed = seal(key, 'postgres://u:p@db/x');
    expect(sealed).not.toContain('postgres');
    expect(unseal(key, sealed)).toBe('postgres://u:p@db/x');
    const [v, iv, tag, body] = sealed.split('.');
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] ^= 1;
    expect(() => unseal(key, [v, iv, tag, flipped.toString('base64url')].join('.'))).toThrow();
    expect(() => unseal(randomBytes(32), sealed)).toThrow();
  });
  it('hashes passwords with scrypt and verifies them', async () => {
    const hash = await hashPassword('correct horse battery');
    expect(hash).toMatch(/^scrypt\$/);
    expect(await verifyPassword('correct horse battery', hash)).toBe(true);
    expect(await verifyPassword('wrong horse battery', hash)).toBe(false);
  });
  it('compares strings of any length safely', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
  });
});
