import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PausableDeadline } from './deadline.js';

describe('PausableDeadline', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('does not count the time it is paused', () => {
    const deadline = new PausableDeadline(10_000);
    vi.advanceTimersByTime(4_000);
    deadline.pause();
    vi.advanceTimersByTime(60_000);
    expect(deadline.signal.aborted).toBe(false);
    deadline.resume();
    vi.advanceTimersByTime(5_900);
    expect(deadline.signal.aborted).toBe(false);
    vi.advanceTimersByTime(200);
    expect(deadline.signal.aborted).toBe(true);
  });

  it('ignores a second resume or pause, and stays stopped once cleared', () => {
    const deadline = new PausableDeadline(1_000);
    deadline.resume();
    deadline.pause();
    deadline.pause();
    vi.advanceTimersByTime(5_000);
    deadline.clear();
    deadline.resume();
    vi.advanceTimersByTime(5_000);
    expect(deadline.signal.aborted).toBe(false);
  });

  it('passes at once when resumed with no time left', () => {
    const deadline = new PausableDeadline(1_000);
    vi.advanceTimersByTime(999);
    deadline.pause();
    vi.advanceTimersByTime(10);
    deadline.resume();
    vi.advanceTimersByTime(2);
    expect(deadline.signal.aborted).toBe(true);
  });
});
