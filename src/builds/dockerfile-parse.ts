// How Docker's Dockerfile parser (BuildKit's frontend/dockerfile/parser, which the classic builder
// uses too) cuts a Dockerfile into instructions: parser directives, line continuations, comments,
// empty continuation lines and the builder flags of an instruction, rule for rule. What Spur could
// read differently from some Docker version is refused with the line it is on. Pure.
import { InvalidInput } from '../errors.js';

export interface DockerfileInstruction {
  /** The line the instruction starts on (1-based). */
  line: number;
  /** The instruction name, upper case (`ONBUILD` keeps its trigger in `trigger`). */
  keyword: string;
  /** Builder flags as Docker decodes them, e.g. `--from=build`. */
  flags: string[];
  /** The rest of the instruction after its flags. */
  args: string;
  /** For ONBUILD: the instruction it registers, split the same way. */
  trigger?: Omit<DockerfileInstruction, 'line' | 'trigger'>;
}

export interface ParsedDockerfile {
  escape: '\\' | '`';
  /** `# syntax=` directives; also one Docker does not read as a directive, so that it is checked. */
  syntax: { line: number; value: string }[];
  instructions: DockerfileInstruction[];
}

// Go's unicode.IsSpace, which Docker trims lines with; SPACE_ANY adds what JavaScript's \s adds and
// what older Unicode versions took for spaces, so that no reader sees a continuation Docker does not.
const GO_SPACE = '\\t\\n\\v\\f\\r \\u0085\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const SPACE_ANY = `${GO_SPACE}\\ufeff\\u180e\\u200b`;
const goSpace = new RegExp(`[${GO_SPACE}]`);
const anySpace = new RegExp(`[${SPACE_ANY}]`);
// Trimming by hand: a regex anchored at the end (`[ ]+$`) takes quadratic time on a long line.
const trimLeftGo = (s: string) => {
  let i = 0;
  while (i < s.length && goSpace.test(s[i])) i++;
  return s.slice(i);
};
const trimRightWhile = (s: string, re: RegExp) => {
  let j = s.length;
  while (j > 0 && re.test(s[j - 1])) j--;
  return s.slice(0, j);
};
const trimGo = (s: string) => trimRightWhile(trimLeftGo(s), goSpace);
const trimNewline = (s: string) => trimRightWhile(s, /[\r\n]/);
const isComment = (s: string) => trimLeftGo(s).startsWith('#');
/** Bytes Go's unicode.IsSpace takes for a space when extractBuilderFlags reads a line byte by byte. */
const isSpaceByte = (b: number) => (b >= 9 && b <= 13) || b === 32 || b === 0x85 || b === 0xa0;
/** Flags whose value names an image or a platform: written without `=`, some parsers take the next word. */
const VALUE_FLAGS = ['--from', '--platform', '--mount'];
const CHECKED = ['FROM', 'COPY', 'ADD', 'RUN'];

/** Reads a Dockerfile the way Docker's parser does. `at`: report every error at this line (an
 *  ONBUILD trigger of a base image runs at the FROM line that builds on it). */
export function parseDockerfile(text: string, at?: number): ParsedDockerfile {
  const refuse = (line: number, message: string) => new InvalidInput('Dockerfile', `line ${at ?? line}: ${message}`);
  const lines = text.split('\n');
  if (lines[0]?.startsWith('\ufeff')) lines[0] = lines[0].slice(1);
  const { escape, syntax } = directives(lines, refuse);
  const E = escape === '\\' ? '\\\\' : '`';
  const continuation = new RegExp(`([^${E}])${E}[ \\t]*$|^${E}[ \\t]*$`);
  // One line without its continuation character, and whether the instruction ends there.
  const cut = (s: string, line: number): [string, boolean] => {
    const tail = s.slice(trimRightWhile(s, anySpace).length);
    if (/[^ \t]/.test(tail) && s.slice(0, s.length - tail.length).endsWith(escape)) throw refuse(line, `a character other than space or tab comes after the escape character at the end of the line; remove it (Docker does not read this line as continued, other readers would)`);
    return continuation.test(s) ? [s.replace(continuation, '$1'), false] : [s, true];
  };
  const out: DockerfileInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    let token = trimLeftGo(trimNewline(lines[i]));
    if (isComment(token)) token = '';
    const line = ++i;
    let [buf, end] = cut(token, line);
    if (end && buf === '') continue;
    while (!end && i < lines.length) {
      const raw = trimNewline(lines[i++]);
      if (isComment(raw) || trimLeftGo(raw) === '') continue; // Docker keeps joining past both
      const [part, ended] = cut(raw, i);
      buf += part;
      end = ended;
    }
    out.push(instruction(buf, line, escape, refuse));
  }
  return { escape, syntax, instructions: out };
}

type Refuse = (line: number, message: string) => InvalidInput;

/** The parser directives at the top, read as Docker reads them; an escape directive some Docker
 *  version would read differently (not on the first line, or one Docker skips) is refused. */
function directives(lines: string[], refuse: Refuse): Pick<ParsedDockerfile, 'escape' | 'syntax'> {
  let escape: '\\' | '`' = '\\';
  const syntax: ParsedDockerfile['syntax'] = [];
  const seen = new Set<string>();
  let done = false;
  for (let i = 0; i < lines.length; i++) {
    const token = trimLeftGo(trimNewline(lines[i]));
    if (token !== '' && !token.startsWith('#')) break; // the first instruction: no directives past it
    const loose = /^#[\s\u0085\ufeff]*(escape|syntax)[\s\u0085\ufeff]*=[\s\u0085\ufeff]*([^\s\u0085\ufeff]*)/i.exec(token);
    const m = done ? null : /^([a-zA-Z][a-zA-Z0-9]*)[\t\n\f\r ]*=[\t\n\f\r ]*([^\n]+)$/.exec(trimRightWhile(trimLeftGo(token.slice(1)), /[\t\n\f\r ]/));
    const key = m?.[1].toLowerCase();
    if (!token.startsWith('#') || !m || !['syntax', 'escape', 'check'].includes(key!)) done = true;
    if (done) {
      if (loose?.[1].toLowerCase() === 'escape') throw refuse(i + 1, 'Docker does not read this escape directive (parser directives must be the first lines, before any other comment or empty line); put it on the first line');
      if (loose?.[1].toLowerCase() === 'syntax' && loose[2]) syntax.push({ line: i + 1, value: loose[2] });
      continue;
    }
    if (seen.has(key!)) throw refuse(i + 1, `only one ${key} parser directive can be used`);
    seen.add(key!);
    if (key === 'syntax') syntax.push({ line: i + 1, value: m![2].split(' ')[0] });
    if (key === 'escape') {
      if (m![2] !== '`' && m![2] !== '\\') throw refuse(i + 1, 'the escape directive takes ` or \\');
      // Older parsers read an escape directive only on the first line, in this plain form.
      if (i !== 0 || !/^#[ \t]*escape[ \t]*=[ \t]*[`\\][ \t]*$/i.test(token)) throw refuse(i + 1, 'write the escape directive as the first line, as "# escape=`" (other Docker versions would not read it)');
      escape = m![2];
    }
  }
  return { escape, syntax };
}

/** Docker's splitCommand: the name, the builder flags, the rest; refusals where Spur must be sure. */
function instruction(text: string, line: number, escape: string, refuse: Refuse): DockerfileInstruction {
  const split = splitCommand(text, escape);
  checkSplit(split, split.keyword.toUpperCase(), line, escape, refuse);
  const ins: DockerfileInstruction = { line, keyword: split.keyword.toUpperCase(), flags: split.flags, args: split.args };
  if (ins.keyword === 'ONBUILD') {
    if (ins.flags.length) throw refuse(line, 'ONBUILD takes no flags');
    const inner = splitCommand(ins.args, escape);
    checkSplit(inner, `ONBUILD ${inner.keyword.toUpperCase()}`, line, escape, refuse);
    ins.trigger = { keyword: inner.keyword.toUpperCase(), flags: inner.flags, args: inner.args };
  }
  const heredocKeyword = ins.trigger?.keyword ?? ins.keyword;
  if (['RUN', 'COPY', 'ADD'].includes(heredocKeyword) && text.split(new RegExp(`[${SPACE_ANY}]+`)).some((w) => /^\d*<<(?!<)./.test(w)))
    throw refuse(line, `heredocs (<<WORD) are not supported in ${heredocKeyword}; put the content in a file of the repository and COPY it`);
  return ins;
}

interface Split { keyword: string; flags: string[]; args: string; flagText: string; endOfFlags: boolean }

/** Refuses what Spur could read differently from Docker in an instruction's name and flags; `name`
 *  is the upper-case name (with ONBUILD before a trigger's). */
function checkSplit(split: Split, name: string, line: number, escape: string, refuse: Refuse): void {
  if (/[^\x21-\x7e]/.test(split.keyword)) throw refuse(line, `the instruction name ${JSON.stringify(split.keyword)} has characters other than ASCII letters`);
  if (!CHECKED.includes(split.keyword.toUpperCase())) return;
  if (/["']/.test(split.flagText) || split.flagText.includes(escape) || /[^\x20-\x7e\t]/.test(split.flagText))
    throw refuse(line, `quotes, the escape character (${escape}) and characters other than printable ASCII are not allowed in the flags of ${name} (Spur could read them differently from Docker)`);
  // Docker ends the flags at a `--` word; a parser that did not would read what follows as flags.
  if (split.endOfFlags) throw refuse(line, `a -- word in the flags of ${name} is not allowed (Spur could read it differently from Docker)`);
  for (const flag of split.flags) {
    const flagName = flag.split('=')[0].toLowerCase();
    if (!flag.includes('=') && VALUE_FLAGS.includes(flagName)) throw refuse(line, `${flagName} needs = (write ${flagName}=VALUE)`);
  }
}

/** Docker's splitCommand and extractBuilderFlags; the latter reads the line byte by byte. */
function splitCommand(text: string, escape: string): Split {
  const trimmed = trimGo(text);
  const sep = /[\t\v\f\r ]+/.exec(trimmed);
  if (!sep) return { keyword: trimmed, flags: [], args: '', flagText: '', endOfFlags: false };
  const rest = Buffer.from(trimmed.slice(sep.index + sep[0].length), 'utf8');
  const words: string[] = [];
  const esc = escape.charCodeAt(0);
  let word: number[] = [];
  let phase: 'spaces' | 'word' | 'quote' = 'spaces';
  let quote = 0;
  let blankOK = false;
  let pos = 0;
  const finish = (args: number, endOfFlags = false) => ({ endOfFlags, keyword: trimmed.slice(0, sep.index), flags: words, args: trimGo(rest.subarray(args).toString('utf8')), flagText: rest.subarray(0, args).toString('utf8') });
  for (; pos <= rest.length; pos++) {
    const ch = pos < rest.length ? rest[pos] : 0;
    if (phase === 'spaces') {
      if (pos === rest.length) break;
      if (isSpaceByte(ch)) continue;
      if (ch !== 0x2d || pos + 1 === rest.length || rest[pos + 1] !== 0x2d) return finish(pos);
      phase = 'word';
    }
    if (pos === rest.length) {
      const w = Buffer.from(word).toString('utf8');
      if (w !== '--' && (blankOK || w.length > 0)) words.push(w);
      break;
    }
    if (phase === 'word') {
      if (isSpaceByte(ch)) {
        const w = Buffer.from(word).toString('utf8');
        phase = 'spaces';
        if (w === '--') return finish(pos, true);
        if (blankOK || w.length > 0) words.push(w);
        word = [];
        blankOK = false;
        continue;
      }
      if (ch === 0x22 || ch === 0x27) {
        quote = ch;
        blankOK = true;
        phase = 'quote';
        continue;
      }
      if (ch === esc) {
        if (pos + 1 === rest.length) continue;
        pos++;
      }
      word.push(rest[pos]);
      continue;
    }
    if (ch === quote) {
      phase = 'word';
      continue;
    }
    if (ch === esc) {
      if (pos + 1 === rest.length) {
        phase = 'word';
        continue;
      }
      pos++;
    }
    word.push(rest[pos]);
  }
  return finish(rest.length);
}
