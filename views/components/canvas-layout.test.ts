import { describe, expect, it } from 'vitest';
import { CARD, columnsOf, layoutCanvas } from './canvas-layout.js';

const col = (i: number) => CARD.pad + i * (CARD.width + CARD.gapX);
const row = (i: number) => CARD.pad + i * (CARD.height + CARD.gapY);

describe('layoutCanvas', () => {
  it('puts a database on the left, the service that uses it one column right, and one line from the service to it', () => {
    const layout = layoutCanvas([{ id: 'web', kind: 'service' }, { id: 'db', kind: 'database' }], [{ from: 'web', to: 'db', variable: 'DATABASE_URL' }]);
    expect(layout.boxes).toEqual([
      { id: 'db', column: 0, row: 0, x: col(0), y: row(0) },
      { id: 'web', column: 1, row: 0, x: col(1), y: row(0) },
    ]);
    const y = row(0) + CARD.height / 2;
    expect(layout.lines).toEqual([{ from: 'web', to: 'db', variables: ['DATABASE_URL'], d: `M ${col(1)} ${y} C ${col(1) - CARD.gapX / 2} ${y}, ${col(0) + CARD.width + CARD.gapX / 2} ${y}, ${col(0) + CARD.width} ${y}` }]);
    expect(layout.width).toBe(CARD.pad * 2 + 2 * CARD.width + CARD.gapX);
    expect(layout.height).toBe(CARD.pad * 2 + CARD.height);
  });

  it('columns by depth: a frontend using an api using a database sits two columns right of it', () => {
    const columns = columnsOf(
      [{ id: 'front', kind: 'service' }, { id: 'api', kind: 'service' }, { id: 'pg', kind: 'database' }, { id: 'cache', kind: 'database' }, { id: 'alone', kind: 'service' }],
      [{ from: 'front', to: 'api', variable: 'API_URL' }, { from: 'api', to: 'pg', variable: 'DATABASE_URL' }, { from: 'front', to: 'cache', variable: 'REDIS_URL' }],
    );
    expect(Object.fromEntries(columns)).toEqual({ front: 2, api: 1, pg: 0, cache: 0, alone: 0 });
  });

  it('one line per pair, naming every variable; references to names not on the canvas (shared, a typo) and to itself draw nothing', () => {
    const layout = layoutCanvas(
      [{ id: 'web', kind: 'service' }, { id: 'pg', kind: 'database' }],
      [
        { from: 'web', to: 'pg', variable: 'PGHOST' },
        { from: 'web', to: 'pg', variable: 'DATABASE_URL' },
        { from: 'web', to: 'shared', variable: 'SECRET' },
        { from: 'web', to: 'web', variable: 'SELF' },
      ],
    );
    expect(layout.lines.map((l) => [l.from, l.to, l.variables])).toEqual([['web', 'pg', ['DATABASE_URL', 'PGHOST']]]);
  });

  it('a cycle of services ends: both get a column, and the line back runs round the right edges', () => {
    const layout = layoutCanvas([{ id: 'a', kind: 'service' }, { id: 'b', kind: 'service' }], [{ from: 'a', to: 'b', variable: 'B' }, { from: 'b', to: 'a', variable: 'A' }]);
    expect(layout.boxes.map((b) => [b.id, b.column])).toEqual([['b', 0], ['a', 1]]);
    const back = layout.lines.find((l) => l.from === 'b')!;
    expect(back.d.startsWith(`M ${col(0) + CARD.width} `)).toBe(true);
    expect(layout.width).toBe(CARD.pad * 2 + 2 * CARD.width + CARD.gapX + CARD.bulge);
  });

  it('within a column, databases first, then services near what they use', () => {
    const layout = layoutCanvas(
      [{ id: 'z-db', kind: 'database' }, { id: 'a-db', kind: 'database' }, { id: 'a-web', kind: 'service' }, { id: 'b-web', kind: 'service' }, { id: 'solo', kind: 'service' }],
      [{ from: 'a-web', to: 'z-db', variable: 'X' }, { from: 'b-web', to: 'a-db', variable: 'Y' }],
    );
    expect(layout.boxes.map((b) => `${b.column}:${b.row}:${b.id}`)).toEqual(['0:0:a-db', '0:1:z-db', '0:2:solo', '1:0:b-web', '1:1:a-web']);
  });

  it('an empty environment is an empty canvas', () => {
    expect(layoutCanvas([], [])).toEqual({ width: 0, height: 0, boxes: [], lines: [] });
  });
});
