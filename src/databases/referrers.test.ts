import { describe, expect, it } from 'vitest';
import { referrersIn } from './referrers.js';

describe('referrersIn', () => {
  it('names each service and its variables that reference the name, sorted, ignoring others and malformed references', () => {
    const variables = new Map<string, Record<string, string>>([
      ['web', { PGHOST: 'x-${{ pg.PGHOST }}', DATABASE_URL: '${{pg.DATABASE_URL}}', OTHER: '${{pg2.DATABASE_URL}}', PLAIN: 'pg.DATABASE_URL' }],
      ['api', { DB: '${{pg.DATABASE_URL}}', BAD: '${{ pg.X; }}' }],
      ['worker', { CACHE: '${{cache.REDIS_URL}}' }],
    ]);
    expect(referrersIn('pg', variables)).toEqual([
      { service: 'api', variables: ['DB'] },
      { service: 'web', variables: ['DATABASE_URL', 'PGHOST'] },
    ]);
    expect(referrersIn('nothing', variables)).toEqual([]);
  });
});
