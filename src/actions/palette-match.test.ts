// How the palette reads a query and ranks a name: the whole answers, compared exactly.
import { describe, expect, it } from 'vitest';
import { matchRank, parsePaletteQuery, topRanked } from './palette-match.js';

describe('parsePaletteQuery', () => {
  it('reads nothing, a deployment number, an action and a name', () => {
    expect(parsePaletteQuery('   ')).toEqual({ kind: 'start' });
    expect(parsePaletteQuery('#42')).toEqual({ kind: 'deployment', id: 42, alsoNames: false, term: '#42' });
    expect(parsePaletteQuery('42')).toEqual({ kind: 'deployment', id: 42, alsoNames: true, term: '42' });
    expect(parsePaletteQuery('  Deploy   Shop/Web ')).toEqual({ kind: 'action', verb: 'deploy', term: 'shop/web' });
    expect(parsePaletteQuery('roll back web')).toEqual({ kind: 'action', verb: 'rollback', term: 'web' });
    expect(parsePaletteQuery('logs')).toEqual({ kind: 'action', verb: 'logs', term: '' });
    expect(parsePaletteQuery('deployer')).toEqual({ kind: 'names', term: 'deployer' });
    expect(parsePaletteQuery('#4x')).toEqual({ kind: 'names', term: '#4x' });
  });
});

describe('matchRank', () => {
  it('ranks exact, prefix, a word start, then anywhere, the best name winning', () => {
    expect(matchRank('web', ['web', 'shop/web'])).toBe(0);
    expect(matchRank('we', ['web'])).toBe(1);
    expect(matchRank('web', ['shop/web'])).toBe(2);
    expect(matchRank('keys', ['SSH keys'])).toBe(2);
    expect(matchRank('eb', ['web'])).toBe(3);
    expect(matchRank('x', ['web'])).toBeUndefined();
    expect(matchRank('', ['web'])).toBe(3);
  });
});

describe('topRanked', () => {
  it('keeps the given order among equals and says when it cut', () => {
    expect(topRanked([{ rank: 2, item: 'a' }, { rank: 1, item: 'b' }, { rank: 2, item: 'c' }], 2)).toEqual({ results: ['b', 'a'], more: true });
    expect(topRanked([{ rank: 0, item: 'a' }], 2)).toEqual({ results: ['a'], more: false });
  });
});
