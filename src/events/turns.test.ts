// A batch gives each project its turn, the one served longest ago (or never) first.
import { describe, expect, it } from 'vitest';
import { type DueTurn, chooseBatch } from './turns.js';

const turn = (id: number, projectId: number, turnNo: number, nextAt = new Date(Date.UTC(2026, 11, 7, 8) + id * 1000).toISOString()): DueTurn => ({ id, projectId, nextAt, turn: turnNo });

describe('chooseBatch', () => {
  it("takes every project's first delivery before any project's second", () => {
    const turns = [turn(1, 7, 1), turn(2, 7, 2), turn(3, 7, 3), turn(9, 8, 1)];
    expect(chooseBatch(turns, new Map(), 3).map((t) => t.id)).toEqual([1, 9, 2]);
  });

  it('puts the project served longest ago, or never, first, though its delivery is the newest', () => {
    const turns = [turn(1, 7, 1), turn(2, 8, 1), turn(3, 9, 1)];
    expect(chooseBatch(turns, new Map([[7, 5], [8, 4]]), 2).map((t) => t.id)).toEqual([3, 2]);
  });

  it('keeps a victim ahead of a flood: one delivery of a quiet project is in the first batch, whatever came before it', () => {
    const flood = Array.from({ length: 50 }, (_, p) => [1, 2, 3].map((n) => turn(p * 3 + n, 100 + p, n, '2026-12-07T07:00:00Z'))).flat();
    const servedIn = new Map(flood.map((t) => [t.projectId, 1]));
    expect(chooseBatch([...flood, turn(999, 1, 1)], servedIn, 20)[0]!.id).toBe(999);
  });
});
