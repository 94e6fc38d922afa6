import { describe, expect, it } from 'vitest';
import { commitStatusFor } from './preview-status.js';

const url = 'http://web-shop-pr-7.example.test';

describe("a preview deployment's commit status", () => {
  it('is pending while it builds and rolls out, success with the address once it serves', () => {
    expect(commitStatusFor('building', 'pr-7', url)).toEqual({ state: 'pending', url: null, description: 'Spur is deploying preview pr-7' });
    expect(commitStatusFor('deploying', 'pr-7', url)?.state).toBe('pending');
    expect(commitStatusFor('active', 'pr-7', url)).toEqual({ state: 'success', url, description: `Preview pr-7 is running at ${url}` });
  });

  it('is failure when it fails or is cancelled, without the reason (a public pull request is read by anyone)', () => {
    expect(commitStatusFor('failed', 'pr-7', url)).toEqual({ state: 'failure', url: null, description: 'The deploy of preview pr-7 failed; its log in Spur says why' });
    expect(commitStatusFor('cancelled', 'pr-7', url)?.state).toBe('failure');
  });

  it('is cut to what a host shows', () => {
    expect(commitStatusFor('active', `pr-${'9'.repeat(200)}`, url)!.description).toHaveLength(140);
  });

  it('is not posted for a deployment waiting in the queue or replaced by a newer one', () => {
    expect(commitStatusFor('queued', 'pr-7', url)).toBeUndefined();
    expect(commitStatusFor('superseded', 'pr-7', url)).toBeUndefined();
  });
});
