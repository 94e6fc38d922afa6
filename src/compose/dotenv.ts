// A Compose `.env` file: `KEY=value` lines (an optional `export ` before), `#` comments, values
// bare (a ` #` starts a comment), in single quotes (literal) or double quotes (\n \t \" \\
// escapes). Later values may name earlier ones (`${A}`). Pure.
import { InterpolationError, interpolate } from './interpolate.js';

export class DotenvError extends Error {
  constructor(readonly line: number, message: string) {
    super(`.env line ${line}: ${message}`);
  }
}

const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '"': '"', '\\': '\\', $: '$$' };

export function parseDotenv(text: string): Map<string, string> {
  const vars = new Map<string, string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    const trimmed = raw.trim();
    if (!trimmed || trimmed.startsWith('#')) return;
    const body = trimmed.replace(/^export\s+/, '');
    const eq = body.indexOf('=');
    if (eq <= 0) throw new DotenvError(line, 'write KEY=value');
    const key = body.slice(0, eq).trim();
    if (!KEY.test(key)) throw new DotenvError(line, `${key} is not a variable name`);
    const rest = body.slice(eq + 1).trim();
    let value: string;
    if (rest.startsWith("'")) {
      const end = rest.indexOf("'", 1);
      if (end < 0) throw new DotenvError(line, 'a single quote is not closed');
      vars.set(key, rest.slice(1, end));
      return;
    }
    if (rest.startsWith('"')) {
      let i = 1;
      value = '';
      for (; i < rest.length && rest[i] !== '"'; i++) {
        if (rest[i] === '\\' && i + 1 < rest.length) value += ESCAPES[rest[++i]!] ?? `\\${rest[i]}`;
        else value += rest[i];
      }
      if (i >= rest.length) throw new DotenvError(line, 'a double quote is not closed');
    } else {
      value = rest.replace(/\s+#.*$/, '');
    }
    try {
      vars.set(key, interpolate(value, vars).value);
    } catch (err) {
      if (err instanceof InterpolationError) throw new DotenvError(line, err.message);
      throw err;
    }
  });
  return vars;
}
