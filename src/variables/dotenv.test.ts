import { describe, expect, it } from 'vitest';
import { InvalidFields } from '../errors.js';
import { MAX_DOTENV_LINES, parseDotEnv } from './dotenv.js';

describe('parseDotEnv', () => {
  it('reads bare, quoted and exported values, skipping comments and blank lines', () => {
    const text = ['# database', 'DATABASE_URL=postgres://u:p@db/app', '', 'export GREETING="hello\\nworld"', "RAW='a \\n b'", 'PLAIN = spaced value  # note', 'EMPTY=', 'HASH=a#b'].join('\r\n');
    expect(parseDotEnv(text)).toEqual({ DATABASE_URL: 'postgres://u:p@db/app', GREETING: 'hello\nworld', RAW: 'a \\n b', PLAIN: 'spaced value', EMPTY: '', HASH: 'a#b' });
  });

  it('reports every bad line at once, by number', () => {
    try {
      parseDotEnv('OK=1\nnot a pair\n1BAD=x\nQ="open');
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(InvalidFields);
      const message = (err as InvalidFields).fields.env;
      expect(message).toContain('line 2: expected NAME=value');
      expect(message).toContain('line 3:');
      expect(message).toContain('line 4:');
    }
  });

  it('reads quoted values over several lines, as dotenv does', () => {
    const key = ['-----BEGIN PRIVATE KEY-----', 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC', '  indented line', '-----END PRIVATE KEY-----'];
    const text = [
      'A=1',
      `PRIVATE_KEY="${key[0]}`, key[1], key[2], `${key[3]}"`,
      "NOTE='first", '', "third # kept'  # a comment",
      'B="one line"',
      'C="say \\"hi\\"', 'twice\\n"',
      'D=`tick', 'tock`',
    ].join('\n');
    expect(parseDotEnv(text)).toEqual({ A: '1', PRIVATE_KEY: key.join('\n'), NOTE: 'first\n\nthird # kept', B: 'one line', C: 'say "hi"\ntwice\n', D: 'tick\ntock' });
  });

  it('names the line where a quoted value starts that never closes', () => {
    expect(() => parseDotEnv('A=1\nB="starts\nand goes on\nC=3')).toThrow(/line 2: the value's " is not closed/);
    expect(() => parseDotEnv('A="a\nb" trailing')).toThrow(/line 1: unexpected text after the closing quote/);
  });

  it('refuses a paste past the line limit', () => {
    expect(() => parseDotEnv('A=1\n'.repeat(MAX_DOTENV_LINES + 1))).toThrow(/at most/);
  });
});
