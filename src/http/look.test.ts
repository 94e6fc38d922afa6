// The page frame and the pages' wording that a browser is not needed to see: breadcrumbs only
// where there is a parent, the header's Tab stops, where the skip link lands, and one time format.
import { describe, expect, it } from 'vitest';
import { queueDeployment } from '../store/deployments.js';
import { shopWithWeb } from '../../test/app-fixture.js';

async function pages() {
  const { app, deps, cookies } = await shopWithWeb();
  const html = async (path: string) => {
    const res = await app.request(path, { headers: { Cookie: cookies.owner } });
    expect(res.status, path).toBe(200);
    return res.text();
  };
  return { html, deps };
}

/** The header's focusable elements, in order (links and buttons not taken out of the Tab order). */
const headerStops = (page: string) => {
  // A closed <details> keeps what follows its summary out of the Tab order.
  const header = /<header class="top">([\s\S]*?)<\/header>/.exec(page)![1].replace(/<\/summary>[\s\S]*?<\/details>/g, '</summary></details>');
  return [...header.matchAll(/<(a|button|summary)\b([^>]*)>/g)].filter((m) => !/tabindex="-1"/.test(m[2])).map((m) => m[1]);
};

describe('page frame', () => {
  it('no "Projects /" breadcrumb on Settings and SSH keys, which are not inside a project', async () => {
    const { html } = await pages();
    for (const path of ['/settings', '/keys']) expect(await html(path), path).not.toContain('class="crumbs"');
    // A project's page keeps its way back.
    expect(await html('/projects/shop')).toContain('<p class="crumbs"><a href="/">Projects</a> /</p>');
  });

  it('the header has one stop per section and one account menu, whose items are folded in it', async () => {
    const { html } = await pages();
    const page = await html('/');
    // Projects, SSH keys, Servers, Settings, Search (the command palette) and the account menu's
    // summary (the brand repeats Projects; Users is reached from Settings; Templates from a
    // project's page and the dashboard).
    expect(headerStops(page)).toEqual(['a', 'a', 'a', 'a', 'button', 'summary']);
    expect(page).toMatch(/<details class="account"><summary aria-label="Account: o@example.com">[\s\S]*Log out[\s\S]*<\/details>/);
  });

  it('the skip link lands past the page’s own navigation on a project and a service', async () => {
    const { html } = await pages();
    expect(await html('/')).toContain('<a class="skip" href="#main">Skip to content</a>');
    for (const path of ['/projects/shop', '/projects/shop/services/web']) {
      const page = await html(path);
      expect(page, path).toContain('<a class="skip" href="#content">Skip to content</a>');
      expect(page.indexOf('id="content"'), path).toBeGreaterThan(page.indexOf('aria-label="Environments"'));
    }
  });

  it('times read one way: date, hours, minutes and UTC, inside <time>', async () => {
    const { html, deps } = await pages();
    const scope = await deps.db.selectFrom('service_instances').select(['service_id', 'environment_id']).executeTakeFirstOrThrow();
    await queueDeployment(deps.db, { serviceId: scope.service_id, environmentId: scope.environment_id, trigger: 'test' });
    for (const path of ['/', '/projects/shop/services/web/deployments']) {
      const times = [...(await html(path)).matchAll(/<time datetime="([^"]+)"[^>]*>([^<]*)<\/time>/g)];
      expect(times.length, path).toBeGreaterThan(0);
      for (const [, at, text] of times) expect(text, path).toBe(`${at.slice(0, 10)} ${at.slice(11, 16)} UTC`);
    }
  });
});
