import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a build script without types
import { patchNodeCronForUtc } from './cron-utc.mjs';

const shared = join(dirname(createRequire(import.meta.url).resolve('node-cron')), '_shared.js');

type CronShared = {
  T: new (pattern: string, timezone?: string) => { match(date: Date): boolean };
  L: new (date: Date, timezone?: string) => { getParts(): Record<string, unknown>; toISO(): string };
};

async function both(): Promise<{ original: CronShared; patched: CronShared }> {
  const dir = mkdtempSync(join(tmpdir(), 'cron-utc-'));
  writeFileSync(join(dir, 'patched.mjs'), patchNodeCronForUtc(readFileSync(shared, 'utf8')).replace(/^\/\/# sourceMappingURL=.*$/m, ''));
  return { original: await import(pathToFileURL(shared).href), patched: await import(pathToFileURL(join(dir, 'patched.mjs')).href) };
}

describe('node-cron in UTC without Intl (the bundle)', () => {
  it('reads the same date parts and matches the same schedules as node-cron through Intl', async () => {
    const { original, patched } = await both();
    const dates = [Date.UTC(2026, 10, 25, 2, 47, 0), Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2027, 0, 1, 0, 0, 0), Date.UTC(2026, 2, 29, 1, 30, 0)];
    for (let i = 0; i < 200; i++) dates.push(Date.UTC(2026, 0, 1) + Math.floor(Math.random() * 400 * 86_400_000));
    for (const ms of dates) {
      const date = new Date(ms);
      expect(new patched.L(date, 'UTC').getParts()).toEqual({ ...new original.L(date, 'UTC').getParts() });
      expect(new patched.L(date, 'UTC').toISO()).toBe(new original.L(date, 'UTC').toISO());
      for (const pattern of ['47 2 * * *', '*/5 * * * *', '0 0 * * 1', '30 1 29 2 *']) {
        expect(new patched.T(pattern, 'UTC').match(date)).toBe(new original.T(pattern, 'UTC').match(date));
      }
    }
    expect(new patched.T('47 2 * * *', 'UTC').match(new Date(Date.UTC(2026, 10, 25, 2, 47, 0)))).toBe(true);
  });

  it('leaves other time zones to Intl', async () => {
    const { patched } = await both();
    const date = new Date(Date.UTC(2026, 10, 25, 2, 47, 0));
    expect(new patched.L(date, 'Asia/Tokyo').getParts()).toMatchObject({ hour: 11, minute: 47 });
  });

  it('refuses a node-cron whose code changed shape', () => {
    expect(() => patchNodeCronForUtc('export {}')).toThrow(/node-cron changed/);
  });
});
