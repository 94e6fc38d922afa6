// Where the project canvas puts each card and how its lines run: columns by dependency depth
// (databases and services that use nothing on the left, each service one column right of the
// deepest thing it uses), one line per (user, used) pair. Pure: no I/O, sizes in CSS pixels.
import type { CanvasEdge } from '../../src/actions/canvas.js';

export interface CanvasNode {
  id: string;
  kind: 'service' | 'database';
}

export interface CanvasBox {
  id: string;
  column: number;
  row: number;
  x: number;
  y: number;
}

export interface CanvasLine {
  from: string;
  to: string;
  /** The variables of `from` that name `to`, sorted. */
  variables: string[];
  /** SVG path data, from the user's card to the used one. */
  d: string;
}

export interface CanvasLayout {
  width: number;
  height: number;
  boxes: CanvasBox[];
  lines: CanvasLine[];
}

export const CARD = { width: 248, height: 148, gapX: 104, gapY: 24, pad: 16, bulge: 40 } as const;

/** Each node's column: 0 for databases and for services that use nothing on the canvas, else one
 *  more than the deepest node it uses; a cycle of services is cut where it closes. */
export function columnsOf(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): Map<string, number> {
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  const uses = new Map<string, string[]>();
  for (const e of edges) if (kinds.has(e.to) && e.to !== e.from) uses.set(e.from, [...(uses.get(e.from) ?? []), e.to]);
  const columns = new Map<string, number>();
  const visit = (id: string, path: Set<string>): number => {
    const known = columns.get(id);
    if (known !== undefined) return known;
    if (kinds.get(id) === 'database') {
      columns.set(id, 0);
      return 0;
    }
    if (path.has(id)) return 0;
    path.add(id);
    const used = (uses.get(id) ?? []).filter((t) => !path.has(t));
    const column = used.length === 0 ? 0 : 1 + Math.max(...used.map((t) => visit(t, path)));
    path.delete(id);
    columns.set(id, column);
    return column;
  };
  for (const n of nodes) visit(n.id, new Set());
  return columns;
}

/** The whole canvas: boxes in columns (databases first within a column, then by the mean row of
 *  what they use, then by name) and the lines between them. */
export function layoutCanvas(nodes: readonly CanvasNode[], edges: readonly CanvasEdge[]): CanvasLayout {
  const columns = columnsOf(nodes, edges);
  const kinds = new Map(nodes.map((n) => [n.id, n.kind]));
  const pairs = new Map<string, CanvasEdge[]>();
  for (const e of edges) {
    if (!kinds.has(e.from) || !kinds.has(e.to) || e.from === e.to) continue;
    const key = `${e.from}\u0000${e.to}`;
    pairs.set(key, [...(pairs.get(key) ?? []), e]);
  }
  const rows = new Map<string, number>();
  const boxes: CanvasBox[] = [];
  const last = Math.max(0, ...columns.values());
  const usedBy = new Map<string, string[]>();
  for (const p of pairs.values()) usedBy.set(p[0].from, [...(usedBy.get(p[0].from) ?? []), p[0].to]);
  for (let column = 0; column <= last; column++) {
    const meanRow = (id: string) => {
      const used = (usedBy.get(id) ?? []).map((to) => rows.get(to)).filter((r): r is number => r !== undefined);
      return used.length ? used.reduce((a, b) => a + b, 0) / used.length : -1;
    };
    const inColumn = nodes.filter((n) => columns.get(n.id) === column);
    // Each node's mean row once, not at every comparison of the sort.
    const means = new Map(inColumn.map((n) => [n.id, meanRow(n.id)]));
    inColumn.sort((a, b) => (a.kind !== b.kind ? (a.kind === 'database' ? -1 : 1) : means.get(a.id)! - means.get(b.id)! || a.id.localeCompare(b.id)));
    inColumn.forEach((n, row) => {
      rows.set(n.id, row);
      boxes.push({ id: n.id, column, row, x: CARD.pad + column * (CARD.width + CARD.gapX), y: CARD.pad + row * (CARD.height + CARD.gapY) });
    });
  }
  const at = new Map(boxes.map((b) => [b.id, b]));
  const lines = [...pairs.values()]
    .map((p) => ({ from: p[0].from, to: p[0].to, variables: [...new Set(p.map((e) => e.variable))].sort(), d: pathBetween(at.get(p[0].from)!, at.get(p[0].to)!) }))
    .sort((a, b) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to));
  const maxRows = Math.max(0, ...boxes.map((b) => b.row + 1));
  const hasBulge = lines.some((l) => at.get(l.to)!.column >= at.get(l.from)!.column);
  return {
    width: boxes.length ? CARD.pad * 2 + (last + 1) * CARD.width + last * CARD.gapX + (hasBulge ? CARD.bulge : 0) : 0,
    height: maxRows ? CARD.pad * 2 + maxRows * CARD.height + (maxRows - 1) * CARD.gapY : 0,
    boxes,
    lines,
  };
}

/** From the user's left edge to the used card's right edge; when the used card is not to the left
 *  (a cycle), out of both right edges and round. */
function pathBetween(from: CanvasBox, to: CanvasBox): string {
  const y1 = from.y + CARD.height / 2;
  const y2 = to.y + CARD.height / 2;
  const toRight = to.x + CARD.width;
  if (to.column < from.column) {
    const mid = CARD.gapX / 2;
    return `M ${from.x} ${y1} C ${from.x - mid} ${y1}, ${toRight + mid} ${y2}, ${toRight} ${y2}`;
  }
  const fromRight = from.x + CARD.width;
  const out = Math.max(fromRight, toRight) + CARD.bulge;
  return `M ${fromRight} ${y1} C ${out} ${y1}, ${out} ${y2}, ${toRight} ${y2}`;
}
