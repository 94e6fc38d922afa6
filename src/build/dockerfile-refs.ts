// Which images a Dockerfile asks the builder for: FROM bases, COPY/ADD --from, RUN --mount from=
// and the syntax directive, with ARG defaults substituted as the builder would. Pure.
import { InvalidInput } from '../errors.js';

export interface ImageReference {
  line: number;
  instruction: string;
  ref: string;
}

interface Instruction {
  line: number;
  keyword: string;
  args: string;
}

/** Every image reference in a Dockerfile; earlier stages named with AS (or by index) are not
 *  images and are left out. Variables other than $V, ${V}, ${V:-w}, ${V:+w} in a reference are
 *  refused, so what is checked is exactly what the builder resolves. */
export function dockerfileImageReferences(text: string): ImageReference[] {
  const { escape, syntax } = directives(text);
  const refs: ImageReference[] = syntax ? [{ line: syntax.line, instruction: 'syntax', ref: syntax.value }] : [];
  const globalArgs = new Map<string, string>();
  let stageArgs: Map<string, string> | null = null;
  const stages = new Set<string>();
  const word = (w: string, vars: Map<string, string>, line: number) => expand(w, vars, line, escape);
  for (const ins of instructions(text, escape)) {
    const { keyword, line } = ins;
    const args = keyword === 'ONBUILD' ? ins.args.replace(/^\S+\s*/, '') : ins.args;
    const inner = keyword === 'ONBUILD' ? (ins.args.split(/\s+/)[0] ?? '').toUpperCase() : keyword;
    if (inner === 'ARG') {
      for (const [name, value] of parseArgs(args)) (stageArgs ?? globalArgs).set(name, value === undefined ? (globalArgs.get(name) ?? '') : word(value, stageArgs ?? globalArgs, line));
      continue;
    }
    if (inner === 'FROM') {
      const words = args.split(/\s+/).filter(Boolean).filter((w) => !w.startsWith('--'));
      const ref = word(words[0] ?? '', globalArgs, line);
      if (!stages.has(ref.toLowerCase())) refs.push({ line, instruction: 'FROM', ref });
      if (words[1]?.toUpperCase() === 'AS' && words[2]) stages.add(words[2].toLowerCase());
      stages.add(String(stages.size));
      stageArgs = new Map();
      continue;
    }
    const scope = new Map([...globalArgs, ...(stageArgs ?? [])]);
    for (const from of fromFlags(inner, args)) {
      const ref = word(from, scope, line);
      if (!stages.has(ref.toLowerCase()) && !/^\d+$/.test(ref)) refs.push({ line, instruction: inner, ref });
    }
  }
  return refs;
}

function directives(text: string): { escape: string; syntax?: { line: number; value: string } } {
  let escape = '\\';
  let syntax: { line: number; value: string } | undefined;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(lines[i]);
    if (!m) break;
    if (m[1].toLowerCase() === 'escape' && (m[2] === '`' || m[2] === '\\')) escape = m[2];
    if (m[1].toLowerCase() === 'syntax') syntax = { line: i + 1, value: m[2] };
  }
  return { escape, syntax };
}

/** Logical instructions: continuation lines joined, comments and blank lines dropped. */
function instructions(text: string, escape: string): Instruction[] {
  const out: Instruction[] = [];
  let current: { line: number; text: string } | null = null;
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].replace(/\r$/, '');
    if (/^\s*#/.test(raw)) continue;
    const trimmed = raw.replace(/\s+$/, '');
    const continues = trimmed.endsWith(escape);
    const part = continues ? trimmed.slice(0, -1) : trimmed;
    if (current) current.text += part;
    else if (part.trim()) current = { line: i + 1, text: part };
    else continue;
    if (!continues) {
      const m = /^\s*(\S+)\s*(.*)$/s.exec(current.text);
      if (m) out.push({ line: current.line, keyword: m[1].toUpperCase(), args: m[2].trim() });
      current = null;
    }
  }
  if (current) {
    const m = /^\s*(\S+)\s*(.*)$/s.exec(current.text);
    if (m) out.push({ line: current.line, keyword: m[1].toUpperCase(), args: m[2].trim() });
  }
  return out;
}

/** `ARG a`, `ARG a=1 b="2"`: names with their defaults (undefined when none). */
function parseArgs(args: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  for (const m of args.matchAll(re)) out.push([m[1], m[2]]);
  return out;
}

/** The values of --from=… on COPY/ADD and of from=… inside RUN --mount=…. */
function fromFlags(keyword: string, args: string): string[] {
  const flags = args.match(/^(\s*--\S+)*/)?.[0] ?? '';
  const out: string[] = [];
  if (keyword === 'COPY' || keyword === 'ADD') {
    for (const m of flags.matchAll(/--from=(\S+)/g)) out.push(m[1]);
  }
  if (keyword === 'RUN') {
    for (const m of flags.matchAll(/--mount=(\S+)/g)) {
      for (const field of m[1].split(',')) {
        const [k, v] = field.split('=');
        if (k?.toLowerCase() === 'from' && v !== undefined) out.push(v);
      }
    }
  }
  return out;
}

/** A word as the builder's shell-like lexer reads it: quotes removed, escapes applied, variables
 *  substituted. Anything the builder would read differently from a plain image name is refused. */
function expand(word: string, vars: Map<string, string>, line: number, escape: string): string {
  const unsupported = () => new InvalidInput('Dockerfile', `line ${line}: only $NAME, \${NAME}, \${NAME:-default} and \${NAME:+value} may be used in an image reference`);
  let out = '';
  let i = 0;
  const variable = (): string => {
    i++; // the $
    if (word[i] === '{') {
      const end = word.indexOf('}', i);
      if (end < 0) throw unsupported();
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])(.*))?$/s.exec(word.slice(i + 1, end));
      i = end + 1;
      if (!m) throw unsupported();
      const value = vars.get(m[1]) ?? '';
      if (m[2] === ':-') return value || expand(m[3], vars, line, escape);
      if (m[2] === ':+') return value ? expand(m[3], vars, line, escape) : '';
      return value;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i));
    if (!m) throw unsupported();
    i += m[0].length;
    return vars.get(m[0]) ?? '';
  };
  while (i < word.length) {
    const c = word[i];
    if (c === escape) {
      out += word[i + 1] ?? '';
      i += 2;
    } else if (c === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw unsupported();
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < word.length && word[i] !== '"') {
        if (word[i] === escape && i + 1 < word.length) {
          out += word[i + 1];
          i += 2;
        } else if (word[i] === '$') out += variable();
        else out += word[i++];
      }
      if (word[i] !== '"') throw unsupported();
      i++;
    } else if (c === '$') out += variable();
    else out += word[i++];
  }
  return out;
}
