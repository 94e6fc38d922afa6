// How the command palette reads what was typed and ranks names against it. Pure.
// Kept predictable on purpose: no fuzzy scoring, only four ranks a person can guess.

export type PaletteVerb = 'deploy' | 'rollback' | 'logs';

export type PaletteQuery =
  /** Nothing typed: the places to start from. */
  | { kind: 'start' }
  /** `#42`: that deployment only; bare digits also search names. */
  | { kind: 'deployment'; id: number; alsoNames: boolean; term: string }
  /** `deploy web`, `rollback shop/web`, `logs web` (no name: every service). */
  | { kind: 'action'; verb: PaletteVerb; term: string }
  | { kind: 'names'; term: string };

const VERBS: Record<string, PaletteVerb> = { deploy: 'deploy', rollback: 'rollback', 'roll back': 'rollback', logs: 'logs', log: 'logs' };

/** Reads the typed text: case and surrounding spaces do not matter. */
export function parsePaletteQuery(q: string): PaletteQuery {
  const text = q.trim().replace(/\s+/g, ' ').toLowerCase();
  if (text === '') return { kind: 'start' };
  const number = /^(#?)(\d{1,15})$/.exec(text);
  if (number) return { kind: 'deployment', id: Number(number[2]), alsoNames: number[1] === '', term: text };
  const action = /^(deploy|rollback|roll back|logs|log)(?: (.*))?$/.exec(text);
  if (action) return { kind: 'action', verb: VERBS[action[1]], term: action[2] ?? '' };
  return { kind: 'names', term: text };
}

/** How well `term` names something called any of `names`: 0 exactly, 1 a name starts with it,
 *  2 a word of a name does (after / - _ . or a space), 3 it is inside a name; undefined: no
 *  match. An empty term matches everything at rank 3. */
export function matchRank(term: string, names: string[]): number | undefined {
  if (term === '') return 3;
  let best: number | undefined;
  for (const raw of names) {
    const name = raw.toLowerCase();
    const at = name.indexOf(term);
    if (at < 0) continue;
    const rank = name === term ? 0 : at === 0 ? 1 : wordStarts(name).some((i) => name.startsWith(term, i)) ? 2 : 3;
    if (best === undefined || rank < best) best = rank;
  }
  return best;
}

const wordStarts = (name: string) => [...name.matchAll(/[/\-_. ]/g)].map((m) => m.index! + 1);

/** The best-ranked first (ties keep the order given), at most `max`; `more` says some were cut. */
export function topRanked<T>(ranked: { rank: number; item: T }[], max: number): { results: T[]; more: boolean } {
  const sorted = ranked.map((r, i) => ({ ...r, i })).sort((a, b) => a.rank - b.rank || a.i - b.i);
  return { results: sorted.slice(0, max).map((r) => r.item), more: sorted.length > max };
}
