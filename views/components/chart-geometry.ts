// Where a chart's lines go: pure arithmetic from points in time to an SVG path in a fixed box.
// The SVG is stretched to any width (its strokes keep their thickness), so the box's numbers are
// proportions, not pixels; labels are HTML placed by percentage beside it, readable at any size.

export const BOX = { width: 1000, height: 100 } as const;

export interface Frame {
  fromS: number;
  toS: number;
  /** The value at the top of the box. */
  top: number;
}

/** The horizontal position of a time, 0–BOX.width (clamped). */
export const xOf = (f: Frame, atS: number) => Math.min(BOX.width, Math.max(0, ((atS - f.fromS) / (f.toS - f.fromS)) * BOX.width));

/** The vertical position of a value, BOX.height (zero) to 0 (the top). */
export const yOf = (f: Frame, value: number) => BOX.height - Math.min(1, Math.max(0, value / f.top)) * BOX.height;

/** The same position as a percentage of the width, for an HTML label over the chart. */
export const percentOf = (f: Frame, atS: number) => (xOf(f, atS) / BOX.width) * 100;

const round = (n: number) => Math.round(n * 10) / 10;

/** Runs of consecutive points: a gap of more than two steps (Spur stopped, the service did not
 *  run) breaks the line rather than drawing across what was not measured. */
export function runs<T extends { atS: number }>(points: readonly T[], stepS: number): T[][] {
  const out: T[][] = [];
  for (const p of points) {
    const run = out.at(-1);
    if (run && p.atS - run.at(-1)!.atS <= 2 * stepS) run.push(p);
    else out.push([p]);
  }
  return out;
}

/** An SVG path through each point's value at the middle of its window; a run of one point is a
 *  short level stroke across its window, so a lone minute still shows. */
export function linePath(f: Frame, points: readonly { atS: number; value: number }[], stepS: number): string {
  return runs(points, stepS)
    .map((run) => {
      const coords = run.length === 1 ? [[run[0]!.atS, run[0]!.value], [run[0]!.atS + stepS, run[0]!.value]] : run.map((p) => [p.atS + stepS / 2, p.value]);
      return coords.map(([at, v], i) => `${i ? 'L' : 'M'}${round(xOf(f, at!))} ${round(yOf(f, v!))}`).join('');
    })
    .join('');
}

/** The same line closed down to zero: the area under it. */
export function areaPath(f: Frame, points: readonly { atS: number; value: number }[], stepS: number): string {
  return runs(points, stepS)
    .map((run) => {
      const line = linePath(f, run, stepS);
      const first = run.length === 1 ? run[0]!.atS : run[0]!.atS + stepS / 2;
      const last = run.length === 1 ? run[0]!.atS + stepS : run.at(-1)!.atS + stepS / 2;
      return `${line}L${round(xOf(f, last))} ${BOX.height}L${round(xOf(f, first))} ${BOX.height}Z`;
    })
    .join('');
}

/** A round value at or above `max` for the top of the box: 1, 2 or 5 times a power of ten (or of
 *  1024 for bytes), never zero. */
export function niceTop(max: number, base: 10 | 1024 = 10): number {
  if (!(max > 0)) return 1;
  const power = base === 1024 ? 1024 ** Math.max(0, Math.floor(Math.log(max) / Math.log(1024))) : 10 ** Math.floor(Math.log10(max));
  const scaled = max / power;
  const step = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000].find((s) => s >= scaled - 1e-9) ?? 1024;
  return step * power;
}
