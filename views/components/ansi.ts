// Terminal colour codes (ANSI SGR) in log lines, as spans with classes; every other escape
// sequence is dropped. Pure.

export interface Segment {
  text: string;
  classes: string[];
}

// CSI sequences (ESC [ … final byte) and OSC sequences (ESC ] … BEL or ESC \).
const ESCAPES = /\x1b\[([0-9;?]*)([@-~])|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

interface Style {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
}

function apply(style: Style, params: string): Style {
  const codes = params === '' ? [0] : params.split(';').map((p) => Number(p) || 0);
  let next = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i];
    if (c === 0) next = {};
    else if (c === 1) next.bold = true;
    else if (c === 2) next.dim = true;
    else if (c === 3) next.italic = true;
    else if (c === 4) next.underline = true;
    else if (c === 22) next.bold = next.dim = false;
    else if (c === 23) next.italic = false;
    else if (c === 24) next.underline = false;
    else if (c >= 30 && c <= 37) next.fg = String(c - 30);
    else if (c >= 90 && c <= 97) next.fg = String(c - 90 + 8);
    else if (c === 39) next.fg = undefined;
    else if (c >= 40 && c <= 47) next.bg = String(c - 40);
    else if (c >= 100 && c <= 107) next.bg = String(c - 100 + 8);
    else if (c === 49) next.bg = undefined;
    else if ((c === 38 || c === 48) && codes[i + 1] === 5) i += 2; // 256 colours: not mapped
    else if ((c === 38 || c === 48) && codes[i + 1] === 2) i += 4; // true colour: not mapped
  }
  return next;
}

const classesOf = (s: Style) => [
  ...(s.fg ? [`ansi-fg-${s.fg}`] : []),
  ...(s.bg ? [`ansi-bg-${s.bg}`] : []),
  ...(s.bold ? ['ansi-bold'] : []),
  ...(s.dim ? ['ansi-dim'] : []),
  ...(s.italic ? ['ansi-italic'] : []),
  ...(s.underline ? ['ansi-underline'] : []),
];

/** The line's text in runs of one style; no escape character survives. */
export function ansiSegments(line: string): Segment[] {
  const out: Segment[] = [];
  let style: Style = {};
  let last = 0;
  const push = (text: string) => {
    const clean = text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, '');
    if (clean) out.push({ text: clean, classes: classesOf(style) });
  };
  for (const m of line.matchAll(ESCAPES)) {
    push(line.slice(last, m.index));
    if (m[2] === 'm') style = apply(style, m[1]);
    last = m.index! + m[0].length;
  }
  push(line.slice(last));
  return out;
}

/** The line without any escape sequence (for downloads and text filters). */
export const stripAnsi = (line: string) => ansiSegments(line).map((s) => s.text).join('');
