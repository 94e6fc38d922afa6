// Reads pasted .env text: NAME=value lines, `export ` allowed, `#` comments and blank lines
// skipped, values bare (trimmed, ` #` starts a comment), 'single-quoted' (as written) or
// "double-quoted" (\n, \", \\ understood). Every bad line is reported at once, by number.
import { InvalidFields } from './errors.js';
import { variableKey, variableValue } from './validate.js';

export const MAX_DOTENV_LINES = 500;

export function parseDotEnv(text: string): Record<string, string> {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: Record<string, string> = {};
  const problems: string[] = [];
  if (lines.length > MAX_DOTENV_LINES) throw new InvalidFields({ env: `at most ${MAX_DOTENV_LINES} lines at once` });
  lines.forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    try {
      const [key, value] = parseLine(line.replace(/^export\s+/, ''));
      out[variableKey(key)] = variableValue(value);
    } catch (err) {
      problems.push(`line ${i + 1}: ${(err as Error).message}`);
    }
  });
  if (problems.length) throw new InvalidFields({ env: problems.join('; ') });
  return out;
}

function parseLine(line: string): [string, string] {
  const eq = line.indexOf('=');
  if (eq < 1) throw new Error('expected NAME=value');
  const key = line.slice(0, eq).trim();
  const rest = line.slice(eq + 1).trim();
  const quote = rest[0];
  if (quote === "'" || quote === '"') {
    const end = rest.lastIndexOf(quote);
    if (end === 0) throw new Error(`the value's ${quote} is not closed`);
    const after = rest.slice(end + 1).trim();
    if (after && !after.startsWith('#')) throw new Error('unexpected text after the closing quote');
    const inner = rest.slice(1, end);
    return [key, quote === "'" ? inner : inner.replace(/\\([n"\\])/g, (_, ch: string) => (ch === 'n' ? '\n' : ch))];
  }
  return [key, rest.replace(/\s+#.*$/, '')];
}
