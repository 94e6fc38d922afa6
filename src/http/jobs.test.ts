// Scheduled jobs through the API: what `spur jobs add … --enabled off` asks for is what is made.
import { describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';

describe('adding a scheduled job', () => {
  it('makes it disabled when asked to (enabled: off), enabled otherwise', async () => {
    const { call } = await shopWithWeb();
    const job = { schedule: '0 3 * * *', command: 'node report.js' };
    const off = await call('owner', 'POST', '/projects/shop/services/web/jobs', { name: 'paused', ...job, enabled: 'off' });
    expect(off.status, JSON.stringify(off.json)).toBe(201);
    expect(off.json.job.enabled).toBe(false);
    const on = await call('owner', 'POST', '/projects/shop/services/web/jobs', { name: 'nightly', ...job });
    expect(on.json.job.enabled).toBe(true);
    const listed = (await call('owner', 'GET', '/projects/shop/services/web/jobs')).json.jobs as { name: string; enabled: boolean }[];
    expect(Object.fromEntries(listed.map((j) => [j.name, j.enabled]))).toEqual({ paused: false, nightly: true });
    expect((await call('owner', 'POST', '/projects/shop/services/web/jobs', { name: 'bad', ...job, enabled: 'maybe' })).status).toBe(400);
  });
});
