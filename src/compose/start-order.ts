// The order services start in: each after the ones it depends on, otherwise as the file lists
// them; or the cycle that makes an order impossible. Pure.

export function startOrder(nodes: { name: string; after: string[] }[]): { order: string[] } | { cycle: string[] } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const order: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, trail: string[]): string[] | null => {
    if (state.get(name) === 'done') return null;
    if (state.get(name) === 'visiting') return [...trail.slice(trail.indexOf(name)), name];
    state.set(name, 'visiting');
    for (const dep of byName.get(name)?.after ?? []) {
      if (!byName.has(dep)) continue;
      const cycle = visit(dep, [...trail, name]);
      if (cycle) return cycle;
    }
    state.set(name, 'done');
    order.push(name);
    return null;
  };
  for (const n of nodes) {
    const cycle = visit(n.name, []);
    if (cycle) return { cycle };
  }
  return { order };
}

/** The order as waves: each wave's services depend only on earlier waves', so a wave starts at once. */
export function startWaves(nodes: { name: string; after: string[] }[], order: string[]): string[][] {
  const wave = new Map<string, number>();
  const byName = new Map(nodes.map((n) => [n.name, n]));
  for (const name of order) wave.set(name, Math.max(0, ...(byName.get(name)?.after ?? []).filter((d) => wave.has(d)).map((d) => wave.get(d)! + 1)));
  const waves: string[][] = [];
  for (const name of order) (waves[wave.get(name)!] ??= []).push(name);
  return waves;
}
