// Spur's floors: each top-level folder (or file) of src/, and views/, stands on one floor and
// imports only from its own floor or the floors below, and no two of them import each other in a
// circle. The build refuses a change that breaks this (type imports count too), and the README's
// Layout section draws the same floors.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** From the top floor down. */
export const FLOORS = [
  { name: 'entry', units: ['src/main.ts', 'src/server.ts', 'src/cli'] },
  { name: 'doors', units: ['src/http', 'src/ssh', 'src/jobs', 'src/mcp'] },
  { name: 'pages', units: ['views'] },
  { name: 'actions', units: ['src/actions', 'src/deps.ts', 'src/setup-token.ts'] },
  { name: 'deploys', units: ['src/deploy'] },
  { name: 'capabilities', units: ['src/builds', 'src/metrics', 'src/alerts', 'src/events', 'src/sources', 'src/git', 'src/databases', 'src/volumes', 'src/compose', 'src/templates', 'src/nodes', 'src/routing', 'src/tls', 'src/update', 'src/backup', 'src/users', 'src/config.ts'] },
  { name: 'records', units: ['src/store', 'src/validate.ts', 'src/variables'] },
  { name: 'daemon and schema', units: ['src/docker', 'src/db'] },
  {
    name: 'leaves',
    units: ['src/errors.ts', 'src/log.ts', 'src/secrets.ts', 'src/ssh-keys.ts', 'src/command-words.ts', 'src/stream-slots.ts', 'src/rate-limit.ts', 'src/executable.ts', 'src/version.ts', 'src/memory', 'src/install', 'src/storage'],
  },
];

const IMPORT = /(?:\bfrom\s*|\bimport\s*\(?\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

/** The floor unit a path (relative to the root) belongs to: a top-level folder or file of src/, or views. */
function unitOf(path) {
  const parts = path.split('/');
  if (parts[0] === 'views') return 'views';
  if (parts[0] !== 'src') return undefined;
  return parts.length > 2 ? `src/${parts[1]}` : `src/${parts[1].replace(/\.(js|ts|tsx)$/, '.ts')}`;
}

function sourceFiles(root, dir) {
  return readdirSync(join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(root, path);
    return /\.tsx?$/.test(e.name) && !/\.test\.tsx?$/.test(e.name) ? [path] : [];
  });
}

/** The imports between floor units, each with one file that makes it. */
export function unitImports(root) {
  const edges = new Map();
  for (const file of [...sourceFiles(root, 'src'), ...sourceFiles(root, 'views')]) {
    const from = unitOf(file);
    for (const [, spec] of readFileSync(join(root, file), 'utf8').matchAll(IMPORT)) {
      const to = unitOf(relative('.', normalize(join(dirname(file), spec))));
      if (to && to !== from && !edges.has(`${from} ${to}`)) edges.set(`${from} ${to}`, { from, to, file, spec });
    }
  }
  return [...edges.values()];
}

/** The circles of a graph (node → the nodes it imports), each as the path that closes it. */
export function circles(graph) {
  const found = [];
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

/** Every break of the floors: an unplaced unit, an import up a floor, or a circle within one. */
export function layerProblems(root) {
  const floorOf = new Map(FLOORS.flatMap((f, i) => f.units.map((u) => [u, i])));
  const edges = unitImports(root);
  const problems = [];
  const units = new Set(edges.flatMap((e) => [e.from, e.to]));
  for (const u of units) if (!floorOf.has(u)) problems.push(`${u} stands on no floor: add it to FLOORS in scripts/layers.mjs`);
  for (const e of edges) {
    if (floorOf.get(e.to) < floorOf.get(e.from)) problems.push(`${e.file} imports ${e.spec}: ${e.to} stands on a floor above ${e.from}`);
  }
  const next = new Map();
  for (const e of edges) next.set(e.from, [...(next.get(e.from) ?? []), e.to]);
  for (const circle of circles(next)) problems.push(`folders import each other in a circle: ${circle.join(' -> ')}`);
  return problems;
}

if (fileURLToPath(import.meta.url) === process.argv[1]) {
  const problems = layerProblems(join(dirname(fileURLToPath(import.meta.url)), '..'));
  for (const p of problems) console.error(p);
  process.exit(problems.length ? 1 : 0);
}
