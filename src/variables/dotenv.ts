// Reads pasted .env text as dotenv does: NAME=value lines, `export ` allowed, `#` comments and
// blank lines skipped, values bare (trimmed, ` #` starts a comment), 'single-quoted' or
// `backticked` (as written) or "double-quoted" (\n, \", \\ understood); a quoted value may span
// lines (a PEM key). Every bad line is reported at once, by number.
import { InvalidFields } from '../errors.js';
import { variableKey, variableValue } from '../validate.js';

export const MAX_DOTENV_LINES = 500;

export function parseDotEnv(text: string): Record<string, string> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: Record<string, string> = {};
  const problems: string[] = [];
  if (lines.length > MAX_DOTENV_LINES) throw new InvalidFields({ env: `at most ${MAX_DOTENV_LINES} lines at once` });
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line || line.startsWith('#')) continue;
    try {
      const entry = parseEntry(line.replace(/^export\s+/, ''), lines, i + 1);
      out[variableKey(entry.key)] = variableValue(entry.value);
      i += entry.moreLines;
    } catch (err) {
      problems.push(`line ${i + 1}: ${(err as Error).message}`);
      if (err instanceof Unclosed) break; // the rest of the text is inside the quote
    }
  }
  if (problems.length) throw new InvalidFields({ env: problems.join('; ') });
  return out;
}

class Unclosed extends Error {}

/** One NAME=value entry starting at `line`; a quoted value may go on into `lines` from `next`.
 *  Each line is read once, however many follow, so a value that runs over many long lines costs
 *  its length, not its length squared. */
function parseEntry(line: string, lines: string[], next: number): { key: string; value: string; moreLines: number } {
  const eq = line.indexOf('=');
  if (eq < 1) throw new Error('expected NAME=value');
  const key = line.slice(0, eq).trim();
  const rest = line.slice(eq + 1).trim();
  const quote = rest[0];
  if (quote !== "'" && quote !== '"' && quote !== '`') return { key, value: withoutComment(rest), moreLines: 0 };
  // The quoted text runs to its closing quote, over as many lines as it takes.
  const pieces = [rest.slice(1)];
  for (let more = 0; ; more++) {
    const piece = pieces[more];
    const found = closingQuote(piece, quote);
    if (found.end >= 0) {
      const after = piece.slice(found.end + 1).trim();
      if (after && !after.startsWith('#')) throw new Error('unexpected text after the closing quote');
      const inner = [...pieces.slice(0, more), piece.slice(0, found.end)].join('\n');
      return { key, value: quote === '"' ? inner.replace(/\\([n"\\])/g, (_, ch: string) => (ch === 'n' ? '\n' : ch)) : inner, moreLines: more };
    }
    if (next + more >= lines.length) throw new Unclosed(`the value's ${quote} is not closed`);
    // A backslash that ends a line (inside double quotes) escapes only the line break.
    pieces.push(lines[next + more]);
  }
}

/** A bare value up to ` #`, where its comment starts. Found in one pass: `/\s+#.*$/` backtracked
 *  over every run of spaces, so one line of spaces took minutes. */
function withoutComment(value: string): string {
  const comment = /\s#/.exec(value);
  return comment ? value.slice(0, comment.index).trimEnd() : value;
}

/** Where the quote closes in `piece`: the first one not escaped by a backslash (inside double
 *  quotes); -1 if it does not. */
function closingQuote(piece: string, quote: string): { end: number } {
  for (let i = 0; i < piece.length; i++) {
    if (quote === '"' && piece[i] === '\\') i++;
    else if (piece[i] === quote) return { end: i };
  }
  return { end: -1 };
}
