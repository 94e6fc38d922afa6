// App tier: a service's source (git URL, branch, paths, or image) changes after creation through
// the same gate and checks as at creation, from the API, the CLI's route and the Settings form;
// credentials follow the kind truthfully, and an HTTPS token never follows the URL to another
// repository.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Deps } from '../deps.js';
import { seal } from '../secrets.js';
import { ORIGIN, shopWithWeb } from '../../test/app-fixture.js';

let deps: Deps;
let app: Awaited<ReturnType<typeof shopWithWeb>>['app'];
let call: Awaited<ReturnType<typeof shopWithWeb>>['call'];
let cookies: Awaited<ReturnType<typeof shopWithWeb>>['cookies'];

const service = (name = 'web') => deps.db.selectFrom('services').selectAll().where('name', '=', name).executeTakeFirstOrThrow();
const put = (body: unknown, who = 'owner', name = 'web') => call(who, 'PUT', `/projects/shop/services/${name}/source`, body);

async function csrfOf(cookie: string) {
  const page = await (await app.request('/projects/shop/services/web/settings', { headers: { Cookie: cookie } })).text();
  return /name="_csrf" value="([^"]+)"/.exec(page)![1];
}
async function postForm(path: string, fields: Record<string, string>, htmx = false) {
  return app.request(path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: ORIGIN, Cookie: cookies.owner, ...(htmx ? { 'HX-Request': 'true' } : {}) },
    body: new URLSearchParams({ _csrf: await csrfOf(cookies.owner), ...fields }).toString(),
  });
}

beforeEach(async () => {
  ({ deps, app, call, cookies } = await shopWithWeb());
});

describe('changing the source through the API (what the CLI calls)', () => {
  it('moves an image service to git and back, making and removing its git credentials', async () => {
    const toGit = await put({ git: 'https://203.0.113.9/you/shop.git', branch: 'trunk', rootDir: 'app' });
    expect(toGit.status).toBe(200);
    expect(toGit.json.service.source).toEqual({ type: 'git', gitUrl: 'https://203.0.113.9/you/shop.git', branch: 'trunk', rootDir: 'app', dockerfilePath: null });
    expect(toGit.json.notes.join(' ')).toMatch(/A deploy key was made.*What runs now keeps serving; the next deploy uses the new source\./);
    const git = await call('owner', 'GET', '/projects/shop/services/web/git');
    expect(git.json.deployKey).toMatch(/^ssh-ed25519 /);
    expect(git.json.webhook.secret).toBeTruthy();

    // Only what is given changes: the URL's typo fixed, the branch and root directory kept.
    const fixed = await put({ git: 'https://203.0.113.9/you/shop-app.git' });
    expect(fixed.json.service.source).toEqual({ type: 'git', gitUrl: 'https://203.0.113.9/you/shop-app.git', branch: 'trunk', rootDir: 'app', dockerfilePath: null });
    expect((await service()).deploy_key_public).toBe(git.json.deployKey);

    const back = await put({ image: 'nginx:1.27' });
    expect(back.json.service.source).toEqual({ type: 'image', image: 'nginx:1.27' });
    expect(back.json.notes[0]).toMatch(/webhook and deploy key are removed/);
    const row = await service();
    expect([row.deploy_key_public, row.deploy_key_private_sealed, row.webhook_secret_sealed, row.git_url, row.git_branch, row.root_dir]).toEqual([null, null, null, null, null, null]);
    expect((await call('owner', 'GET', '/projects/shop/services/web/git')).status).toBe(400);
  });

  it('refuses what creation refuses, and changes nothing', async () => {
    const refused: [unknown, RegExp][] = [
      [{ git: 'file:///etc/passwd' }, /git URL/],
      [{ git: '--upload-pack=touch /tmp/x' }, /git URL/],
      [{ git: 'https://127.0.0.1/a.git' }, /127\.0\.0\.1 is on the loopback|loopback/],
      [{ git: 'https://203.0.113.9/a.git', branch: '--force' }, /branch/],
      [{ git: 'https://203.0.113.9/a.git', rootDir: '../../etc' }, /root directory/],
      [{ git: 'https://203.0.113.9/a.git', dockerfilePath: '/etc/passwd' }, /Dockerfile path/],
      [{ image: 'spur/other-project:latest' }, /image/],
      [{ image: 'nginx;rm -rf /' }, /image/],
      [{ image: 'nginx', git: 'https://203.0.113.9/a.git' }, /give one source/],
      [{ kind: 'svn' }, /choose a git repository/],
    ];
    for (const [body, message] of refused) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error, JSON.stringify(body)).toMatch(message);
    }
    expect((await service()).image).toBe('nginx');
    expect((await service()).source_type).toBe('image');
  });

  it('keeps the HTTPS token for the same repository only: not on another host, nor for another repository of the same host', async () => {
    await put({ git: 'https://203.0.113.9/you/shop.git' });
    const withToken = () => deps.db.updateTable('services').set({ https_token_sealed: seal(deps.key, 'ghp_secret') }).execute();
    await withToken();
    await put({ git: 'https://203.0.113.9/you/shop/' });
    expect((await service()).https_token_sealed).not.toBeNull();
    const other = await put({ git: 'https://203.0.113.9/you/other.git' });
    expect(other.json.notes.join(' ')).toMatch(/HTTPS token was for 203\.0\.113\.9\/you\/shop\/ and is removed/);
    expect((await service()).https_token_sealed).toBeNull();
    await withToken();
    const moved = await put({ git: 'https://198.51.100.4/you/other.git' });
    expect(moved.json.notes.join(' ')).toMatch(/HTTPS token was for 203\.0\.113\.9\/you\/other\.git and is removed/);
    expect((await service()).https_token_sealed).toBeNull();
  });

  it("drops the previews' commit status token when the repository changes (a developer may change the source; the token is the admin's)", async () => {
    await put({ git: 'https://203.0.113.9/you/shop.git' });
    const withToken = () => deps.db.updateTable('services').set({ previews_status_token_sealed: seal(deps.key, 'ghp_status') }).execute();
    await withToken();
    await put({ git: 'https://203.0.113.9/you/shop', branch: 'trunk' });
    expect((await service()).previews_status_token_sealed).not.toBeNull();
    const other = await put({ git: 'https://198.51.100.4/you/shop.git' });
    expect(other.json.notes.join(' ')).toMatch(/commit status token was for 203\.0\.113\.9\/you\/shop and is removed/);
    expect((await service()).previews_status_token_sealed).toBeNull();
    await withToken();
    await put({ image: 'nginx:1.27' });
    expect((await service()).previews_status_token_sealed).toBeNull();
  });

  it('is refused for a project the caller is not a member of', async () => {
    expect((await put({ image: 'nginx:1.27' }, 'member')).status).toBe(404);
  });
});

describe('the Settings page', () => {
  it('shows the source with what happens to the running version, and saves a change', async () => {
    const page = await (await app.request('/projects/shop/services/web/settings', { headers: { Cookie: cookies.owner } })).text();
    expect(page).toContain('<form id="source"');
    expect(page).toMatch(/<input type="radio" name="kind" value="image" checked=""/);
    expect(page).toMatch(/<input name="image"[^>]*value="nginx"/);
    expect(page).toContain('What runs now keeps serving; the next deploy uses the new source.');
    const res = await postForm('/projects/shop/services/web/source', { kind: 'git', git: 'https://203.0.113.9/you/shop.git', branch: 'main', rootDir: '', dockerfilePath: '', image: 'nginx' });
    expect(res.status).toBe(303);
    expect((await service()).git_url).toBe('https://203.0.113.9/you/shop.git');
    expect(decodeURIComponent(res.headers.get('set-cookie') ?? '')).toMatch(/spur_toast=Source saved\. .*A deploy key was made.*the next deploy uses the new source\./);
  });

  it('answers a refused change in place, the error beside the field and the typed URL kept', async () => {
    const res = await postForm('/projects/shop/services/web/source', { kind: 'git', git: 'ext::sh -c evil', branch: 'main', rootDir: '', dockerfilePath: '', image: '' }, true);
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html.startsWith('<form id="source"')).toBe(true);
    expect(html).toMatch(/<input name="git" aria-invalid="true"[^>]*value="ext::sh -c evil"/);
    expect(html).toMatch(/<input type="radio" name="kind" value="git" checked=""/);
    expect((await service()).source_type).toBe('image');
  });
});
