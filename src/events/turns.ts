// Which due deliveries a batch sends. Each project's first few (in its own order) are the
// candidates; the project served longest ago, or never, goes first, then the oldest due. So a
// tenant with many webhooks, a flood of events or receivers that stall cannot keep another's
// deliveries waiting past the batch under way. Pure.

export interface DueTurn {
  id: number;
  projectId: number;
  nextAt: string;
  /** 1 for the project's first due delivery, 2 for its second, … */
  turn: number;
}

/** The ids to send, at most `limit`; `servedIn` says in which batch a project was last served. */
export function chooseBatch(turns: DueTurn[], servedIn: ReadonlyMap<number, number>, limit: number): DueTurn[] {
  const served = (t: DueTurn) => servedIn.get(t.projectId) ?? 0;
  return [...turns].sort((a, b) => a.turn - b.turn || served(a) - served(b) || a.nextAt.localeCompare(b.nextAt) || a.id - b.id).slice(0, limit);
}
