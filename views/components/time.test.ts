import { describe, expect, it } from 'vitest';
import { Time, formatTime } from './time.js';

describe('time', () => {
  it('shows date, hours and minutes in UTC, whatever the stored form', () => {
    expect(formatTime('2026-12-05T07:51:53.123Z')).toBe('2026-12-05 07:51 UTC');
    expect(formatTime('2026-12-05T08:51:53+01:00')).toBe('2026-12-05 07:51 UTC');
  });

  it('renders a <time> with the exact instant', () => {
    expect(String(Time({ at: '2026-12-05T07:51:53.123Z' }))).toBe('<time datetime="2026-12-05T07:51:53.123Z" title="2026-12-05T07:51:53.123Z">2026-12-05 07:51 UTC</time>');
  });
});
