import { describe, expect, it } from 'vitest';
import { ansiSegments, stripAnsi } from './ansi.js';

describe('ansiSegments', () => {
  it('turns colour and weight codes into classes, and resets', () => {
    expect(ansiSegments('\x1b[1;31mERROR\x1b[0m done \x1b[92mok\x1b[39m!')).toEqual([
      { text: 'ERROR', classes: ['ansi-fg-1', 'ansi-bold'] },
      { text: ' done ', classes: [] },
      { text: 'ok', classes: ['ansi-fg-10'] },
      { text: '!', classes: [] },
    ]);
  });
  it('drops cursor movement, OSC titles, 256 and true colours and stray control characters', () => {
    expect(stripAnsi('\x1b[2K\x1b[1G\x1b]0;title\x07\x1b[38;5;196mred\x1b[38;2;1;2;3m rgb\x1b[m\x07')).toBe('red rgb');
  });
  it('leaves plain text as one run', () => expect(ansiSegments('plain <b>text</b>')).toEqual([{ text: 'plain <b>text</b>', classes: [] }]));
});
