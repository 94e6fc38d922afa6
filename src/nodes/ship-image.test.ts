import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chainIds } from './ship-image.js';

const sha = (s: string) => `sha256:${createHash('sha256').update(s).digest('hex')}`;

describe('layer chain IDs', () => {
  it('are the first layer, then each digest of the stack below and the layer (the OCI image spec)', () => {
    const [a, b, c] = [sha('a'), sha('b'), sha('c')];
    const ab = sha(`${a} ${b}`);
    expect(chainIds([])).toEqual([]);
    expect(chainIds([a])).toEqual([a]);
    expect(chainIds([a, b, c])).toEqual([a, ab, sha(`${ab} ${c}`)]);
  });

  it('tells stacks apart that share a layer at another depth', () => {
    const [a, b] = [sha('a'), sha('b')];
    expect(chainIds([b, a])[1]).not.toBe(chainIds([a, b])[1]);
  });
});
