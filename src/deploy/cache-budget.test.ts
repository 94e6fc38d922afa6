import { describe, expect, it } from 'vitest';
import type { ImageNode } from '../docker/images.js';
import { planCachePrune } from './cache-budget.js';

const MB = 1024 * 1024;
const id = (n: number) => `sha256:${String(n).padStart(12, '0')}${'f'.repeat(52)}`;
const short = (n: number) => String(n).padStart(12, '0');

// base (tagged, 100) ← deps (untagged, 300) ← stage A (untagged, 350) and ← stage B (untagged, 420);
// base ← old stage (untagged, 180) ← its tip (untagged, 200); deps ← app (tagged, 310).
const images: ImageNode[] = [
  { id: id(1), parentId: '', tagged: true, size: 100 * MB },
  { id: id(2), parentId: id(1), tagged: false, size: 300 * MB },
  { id: id(3), parentId: id(2), tagged: false, size: 350 * MB },
  { id: id(4), parentId: id(2), tagged: false, size: 420 * MB },
  { id: id(5), parentId: id(1), tagged: false, size: 180 * MB },
  { id: id(6), parentId: id(5), tagged: false, size: 200 * MB },
  { id: id(7), parentId: id(2), tagged: true, size: 310 * MB },
];

describe('planCachePrune', () => {
  const entries = [
    { imageId: short(3), usedAt: '2026-12-01T10:00:00.000Z' },
    { imageId: short(4), usedAt: '2026-12-02T10:00:00.000Z' },
    { imageId: short(6), usedAt: '2026-11-30T10:00:00.000Z' },
    { imageId: short(2), usedAt: '2026-11-01T10:00:00.000Z' },
    { imageId: short(7), usedAt: '2026-11-01T10:00:00.000Z' },
    { imageId: short(9), usedAt: '2026-11-01T10:00:00.000Z' },
  ];

  it('counts loose images with the chain only they hold, and removes nothing under the budget', () => {
    const plan = planCachePrune(images, entries, 1024 * MB);
    // stage A 50 + stage B 120 + the old tip 20 and its parent 80; deps and the tagged app are held.
    expect(plan.keptBytes).toBe(270 * MB);
    expect(plan.remove).toEqual([]);
    expect(plan.gone).toEqual([short(9)]);
  });

  it('removes the least recently used first until the rest fits', () => {
    const plan = planCachePrune(images, entries, 150 * MB);
    expect(plan.remove).toEqual([{ imageId: short(6), bytes: 100 * MB }, { imageId: short(3), bytes: 50 * MB }]);
    expect(plan.keptBytes).toBe(120 * MB);
  });

  it('never removes an image Spur\'s builds did not record, however large', () => {
    const plan = planCachePrune([...images, { id: id(8), parentId: '', tagged: false, size: 5000 * MB }], entries, 0);
    expect(plan.remove.map((r) => r.imageId)).toEqual([short(6), short(3), short(4)]);
    expect(plan.keptBytes).toBe(0);
  });
});
