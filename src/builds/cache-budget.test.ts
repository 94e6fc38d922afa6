import { describe, expect, it } from 'vitest';
import type { ImageNode } from './image-build.js';
import { imagesMadeDuring, planCachePrune } from './cache-budget.js';

const MB = 1024 * 1024;
const id = (n: number) => `sha256:${String(n).padStart(12, '0')}${'f'.repeat(52)}`;
const image = (n: number, parent: number | null, size: number, opts: { named?: boolean; created?: number } = {}): ImageNode => ({ id: id(n), parentId: parent ? id(parent) : '', named: opts.named ?? false, created: opts.created ?? 1000 + n, size: size * MB });

// base (named, 100) ← deps (300) ← stage A (350) and ← stage B (420) and ← app (named, 310);
// base ← old stage (180) ← its tip (200).
const images: ImageNode[] = [image(1, null, 100, { named: true }), image(2, 1, 300), image(3, 2, 350), image(4, 2, 420), image(5, 1, 180), image(6, 5, 200), image(7, 2, 310, { named: true })];

describe('planCachePrune', () => {
  const entries = [
    { imageId: id(3), usedAt: '2026-12-01T10:00:00.000Z' },
    { imageId: id(4), usedAt: '2026-12-02T10:00:00.000Z' },
    { imageId: id(6), usedAt: '2026-11-30T10:00:00.000Z' },
    { imageId: id(5), usedAt: '2026-11-30T10:00:00.000Z' },
    { imageId: id(2), usedAt: '2026-11-01T10:00:00.000Z' },
    { imageId: id(7), usedAt: '2026-11-01T10:00:00.000Z' },
    { imageId: id(9), usedAt: '2026-11-01T10:00:00.000Z' },
  ];

  it('counts leaves with the chain only they hold, and removes nothing under the budget', () => {
    const plan = planCachePrune(images, entries, 1024 * MB);
    // stage A 50 + stage B 120 + the old tip 20 with its parent 80; deps and the named app are held.
    expect(plan.keptBytes).toBe(270 * MB);
    expect(plan.remove).toEqual([]);
    expect(plan.gone).toEqual([id(9)]);
  });

  it('removes the least recently used first, each leaf before its parents, until the rest fits', () => {
    const plan = planCachePrune(images, entries, 150 * MB);
    expect(plan.remove).toEqual([
      { chain: [id(6), id(5)], bytes: 100 * MB },
      { chain: [id(3)], bytes: 50 * MB },
    ]);
    expect(plan.keptBytes).toBe(120 * MB);
  });

  it('never removes an image Spur did not record, nor a named one, however large', () => {
    const plan = planCachePrune([...images, image(8, null, 5000), image(10, 1, 900, { named: true })], [...entries, { imageId: id(10), usedAt: '2026-01-01T00:00:00.000Z' }], 0);
    expect(plan.remove.map((r) => r.chain[0])).toEqual([id(6), id(3), id(4)]);
    expect(plan.keptBytes).toBe(0);
  });
});

describe('imagesMadeDuring', () => {
  const all = [image(1, null, 100, { named: true, created: 500 }), image(2, 1, 300, { created: 999 }), image(3, 2, 350, { created: 1005 }), image(4, 3, 360, { created: 1011 }), image(5, 3, 400, { named: true, created: 1006 }), image(6, null, 50, { created: 1003 }), image(11, 1, 120, { created: 1004 }), image(12, 1, 130, { created: 1200 })];
  const short = (n: number) => id(n).slice(7, 19);

  it('takes the unnamed images with a parent made in the window (a second either side) that the output named', () => {
    const mentioned = new Set([1, 2, 3, 4, 5, 6, 12].map(short));
    expect(imagesMadeDuring(all, { since: 1000, until: 1010, mentioned })).toEqual([id(2), id(3), id(4)]);
  });

  it('leaves out what another build made meanwhile, and what the output named from outside the window', () => {
    expect(imagesMadeDuring(all, { since: 1000, until: 1010, mentioned: new Set([short(3), short(12)]) })).toEqual([id(3)]);
  });
});
