import { describe, expect, it } from 'vitest';
import { parseDotEnv } from '../variables/dotenv.js';
import { describeDiff, diffVariables, dotEnvLine } from '../actions/variables-text.js';

describe('variables as .env text', () => {
  it('writes values so that the .env reader gives them back unchanged', () => {
    const values = { PLAIN: 'postgres://u:p@db/app', EMPTY: '', SPACED: '  padded ', HASH: 'a #b', QUOTES: `it's "quoted" and \`ticked\``, SLASHES: 'C:\\new\\n', PEM: '-----BEGIN KEY-----\nabc\n-----END KEY-----\n', REF: '${{pg.DATABASE_URL}}' };
    const text = Object.entries(values).map(([k, v]) => dotEnvLine(k, v)).join('\n');
    expect(parseDotEnv(text)).toEqual(values);
    expect(dotEnvLine('PLAIN', values.PLAIN)).toBe('PLAIN=postgres://u:p@db/app');
  });

  it('says what replacing the variables adds, changes and removes', () => {
    const diff = diffVariables({ KEEP: '1', EDIT: 'a', OLD: 'x', GONE: 'y' }, { KEEP: '1', EDIT: 'b', NEW: 'n' });
    expect(diff).toEqual({ added: ['NEW'], changed: ['EDIT'], removed: ['GONE', 'OLD'] });
    expect(describeDiff(diff)).toBe('Adds NEW; changes EDIT; removes GONE, OLD.');
    expect(describeDiff({ added: [], changed: [], removed: ['OLD'] })).toBe('Removes OLD.');
    expect(describeDiff({ added: [], changed: [], removed: [] })).toBe('Nothing changes.');
  });
});
