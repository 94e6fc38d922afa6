import { describe, expect, it } from 'vitest';
import { commitStatusFor } from './preview-status.js';

const url = 'http://web-shop-pr-7.example.test';

describe("a preview deployment's commit status", () => {
  it('is pending while it builds and rolls out, success with the address once it serves', () => {
    expect(commitStatusFor('building', 'pr-7', url, null)).toEqual({ state: 'pending', url: null, description: 'Spur is deploying preview pr-7' });
    expect(commitStatusFor('deploying', 'pr-7', url, null)?.state).toBe('pending');
    expect(commitStatusFor('active', 'pr-7', url, null)).toEqual({ state: 'success', url, description: `Preview pr-7 is running at ${url}` });
  });

  it('is failure with the reason, cut to what a host shows, when it fails or is cancelled', () => {
    const failed = commitStatusFor('failed', 'pr-7', url, `npm ERR! ${'x'.repeat(300)}`)!;
    expect(failed.state).toBe('failure');
    expect(failed.description.startsWith('The deploy of preview pr-7 failed: npm ERR! ')).toBe(true);
    expect(failed.description).toHaveLength(140);
    expect(commitStatusFor('cancelled', 'pr-7', url, 'deleted')?.state).toBe('failure');
  });

  it('is not posted for a deployment waiting in the queue or replaced by a newer one', () => {
    expect(commitStatusFor('queued', 'pr-7', url, null)).toBeUndefined();
    expect(commitStatusFor('superseded', 'pr-7', url, null)).toBeUndefined();
  });
});
