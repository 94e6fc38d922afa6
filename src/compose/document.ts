// A Compose file read as YAML (the `yaml` library, YAML 1.2 with merge keys), with the line of
// every key so that a refusal can name it. Pure.
import { LineCounter, type Node, isMap, isPair, isScalar, isSeq, parseDocument } from 'yaml';

export type Path = readonly (string | number)[];

export interface ComposeProblem {
  line: number | null;
  /** Where in the file, e.g. `services.web.privileged`. */
  path: string;
  message: string;
}

export interface ComposeDocument {
  value: unknown;
  /** The line of the key at `path`, or of the nearest enclosing key that has one. */
  lineOf(path: Path): number | null;
}

export const pathText = (path: Path) => path.map(String).join('.');

export function readComposeYaml(text: string): { document?: ComposeDocument; problems: ComposeProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, merge: true, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length) {
    return { problems: doc.errors.slice(0, 5).map((e) => ({ line: e.linePos?.[0]?.line ?? null, path: '', message: e.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '') })) };
  }
  const lines = new Map<string, number>();
  const record = (node: unknown, path: (string | number)[]) => {
    if (isMap(node)) {
      for (const pair of node.items) {
        if (!isPair(pair) || !isScalar(pair.key)) continue;
        const key = String(pair.key.value);
        const at = [...path, key];
        if (pair.key.range) lines.set(pathText(at), lineCounter.linePos(pair.key.range[0]).line);
        record(pair.value, at);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const at = [...path, i];
        const range = (item as Node | null)?.range;
        if (range) lines.set(pathText(at), lineCounter.linePos(range[0]).line);
        record(item, at);
      });
    }
  };
  record(doc.contents, []);
  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    return { problems: [{ line: null, path: '', message: (err as Error).message }] };
  }
  const lineOf = (path: Path) => {
    for (let n = path.length; n > 0; n--) {
      const line = lines.get(pathText(path.slice(0, n)));
      if (line !== undefined) return line;
    }
    return null;
  };
  return { document: { value, lineOf }, problems: [] };
}
