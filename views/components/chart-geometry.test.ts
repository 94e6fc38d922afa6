// Unit: a chart's geometry — times and values to positions in the box, lines broken where nothing
// was measured, a round top above the highest value.
import { describe, expect, it } from 'vitest';
import { BOX, areaPath, linePath, niceTop, percentOf, runs, xOf, yOf } from './chart-geometry.js';

const frame = { fromS: 0, toS: 600, top: 10 };

describe('chart geometry', () => {
  it('places a time across the width and a value up the height, clamped to the box', () => {
    expect([xOf(frame, 0), xOf(frame, 300), xOf(frame, 600), xOf(frame, -60), xOf(frame, 900)]).toEqual([0, 500, 1000, 0, 1000]);
    expect([yOf(frame, 0), yOf(frame, 5), yOf(frame, 10), yOf(frame, 20), yOf(frame, -1)]).toEqual([BOX.height, 50, 0, 0, BOX.height]);
    expect(percentOf(frame, 150)).toBe(25);
  });

  it('breaks the line where more than two steps went unmeasured', () => {
    const at = (s: number) => ({ atS: s });
    expect(runs([at(0), at(60), at(180), at(420), at(480)], 60).map((r) => r.map((p) => p.atS))).toEqual([[0, 60, 180], [420, 480]]);
    const path = linePath(frame, [0, 60, 420, 480].map((atS) => ({ atS, value: 5 })), 60);
    expect(path.match(/M/g)).toHaveLength(2);
    expect(path).toBe('M50 50L150 50M750 50L850 50');
  });

  it('draws a lone point as a level stroke across its window, and closes the area down to zero', () => {
    expect(linePath(frame, [{ atS: 120, value: 10 }], 60)).toBe('M200 0L300 0');
    expect(areaPath(frame, [{ atS: 0, value: 5 }, { atS: 60, value: 10 }], 60)).toBe(`M50 50L150 0L150 ${BOX.height}L50 ${BOX.height}Z`);
  });

  it('tops the chart at 1, 2 or 5 times a power of ten, or of 1024 for bytes', () => {
    expect([0, -1, NaN, 0.013, 0.3, 1, 1.2, 3, 7, 42, 999].map((v) => niceTop(v))).toEqual([1, 1, 1, 0.02, 0.5, 1, 2, 5, 10, 50, 1000]);
    const MiB = 1024 ** 2;
    expect([niceTop(300 * MiB, 1024), niceTop(900, 1024), niceTop(1.5 * 1024 ** 3, 1024)]).toEqual([500 * MiB, 1000, 2 * 1024 ** 3]);
  });
});
