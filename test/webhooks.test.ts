// Push webhooks from GitHub, GitLab and Gitea/Forgejo, and cloning a private repository over HTTPS
// with a token.
import { createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cleanupProject, cli, probe, startGitStack, uniqueName, waitForDeployment } from './harness.js';

const TOKEN = 'glpat-test-token-123';
let git: GitServer;
let spur: SpurProcess;
let token: string;
let repo: ReturnType<typeof createRepo>;
let secret: string;
let hookUrl: string;
const project = uniqueName('wh');

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack({ gitToken: TOKEN }));
  repo = createRepo(git, `${project}.git`);
  repo.commit(helloAppFiles('w1'), 'w1');
  await cli(spur, ['project', 'create', project]);
  // These tests deploy production by webhook: unprotected (in a protected one a webhook only asks; approvals.test.ts).
  expect((await cli(spur, ['unprotect', project, 'production'])).code).toBe(0);
  await cli(spur, ['service', 'create', project, 'web', '--git', repo.url]);
  const access = JSON.parse((await cli(spur, ['git', project, 'web', '--json'])).stdout);
  secret = access.webhook.secret;
  hookUrl = access.webhook.url;
  expect(hookUrl).toBe(`${spur.url}/webhooks/${project}/web`);
});
afterAll(async () => {
  await spur?.stop();
  await git?.close();
  await cleanupProject(project);
});

const deployments = async () => (await api(spur, token)('GET', `/projects/${project}/services/web/deployments`)).json.deployments as { id: number; status: string; commitSha: string; trigger: string; failureReason: string | null }[];
const finished = (id: number) => waitForDeployment(spur, token, id);

type Provider = 'github' | 'gitlab' | 'gitea';
function headersFor(provider: Provider, body: string, opts: { secret?: string | null; delivery?: string } = {}): Record<string, string> {
  const key = opts.secret === undefined ? secret : opts.secret;
  const delivery = opts.delivery ?? randomUUID();
  const hmac = (k: string) => createHmac('sha256', k).update(body).digest('hex');
  const base = { 'Content-Type': 'application/json' };
  if (provider === 'github') return { ...base, 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': delivery, ...(key === null ? {} : { 'X-Hub-Signature-256': `sha256=${hmac(key)}` }) };
  if (provider === 'gitea') return { ...base, 'X-Gitea-Event': 'push', 'X-Gitea-Delivery': delivery, ...(key === null ? {} : { 'X-Gitea-Signature': hmac(key) }) };
  return { ...base, 'X-Gitlab-Event': 'Push Hook', 'X-Gitlab-Event-UUID': delivery, ...(key === null ? {} : { 'X-Gitlab-Token': key }) };
}
const send = async (body: string, headers: Record<string, string>) => {
  const res = await fetch(hookUrl, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as any };
};
const pushBody = (sha: string, branch = 'main', before = '0'.repeat(40)) => JSON.stringify({ ref: `refs/heads/${branch}`, after: sha, before, repository: { name: project } });

describe('private repository over HTTPS', () => {
  it('fails to clone without the token, and deploys once the token is set', async () => {
    const without = await cli(spur, ['deploy', project, 'web']);
    expect(without.code).toBe(1);
    expect(without.stderr).toMatch(/could not fetch branch main/);
    const set = await cli(spur, ['git', project, 'web', '--https-token', TOKEN, '--json']);
    expect(JSON.parse(set.stdout).httpsToken).toBe('set');
    expect(set.stdout).not.toContain(TOKEN);
    const withToken = await cli(spur, ['deploy', project, 'web']);
    expect(withToken.code, withToken.stderr).toBe(0);
    expect(withToken.stdout).not.toContain(TOKEN);
    expect(spur.output()).not.toContain(TOKEN);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from w1\n');
  });
});

describe.each(['github', 'gitlab', 'gitea'] as Provider[])('%s webhooks', (provider) => {
  it('refuses a missing or wrong signature with 401 and deploys nothing', async () => {
    const before = (await deployments()).length;
    const body = pushBody(repo.commit(helloAppFiles(`${provider}-unsigned`), `${provider} unsigned`));
    const missing = await send(body, headersFor(provider, body, { secret: null }));
    expect(missing.status).toBe(401);
    expect(missing.json.error).toMatch(/no signature/);
    const wrong = await send(body, headersFor(provider, body, { secret: 'not-the-secret' }));
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toMatch(/does not match/);
    if (provider !== 'gitlab') {
      // GitHub and Gitea sign the body; GitLab only sends the shared token, so only they detect tampering.
      const tampered = await send(body.replace('main', 'mainx'), headersFor(provider, body));
      expect(tampered.status).toBe(401);
    }
    expect((await deployments()).length).toBe(before);
  });

  it('deploys exactly the pushed commit, once per delivery', async () => {
    const sha = repo.commit(helloAppFiles(provider), `${provider} push`);
    const body = pushBody(sha);
    const headers = headersFor(provider, body);
    const first = await send(body, headers);
    expect(first.status).toBe(202);
    expect(first.json.deployments).toEqual([{ id: expect.any(Number), environment: 'production', commit: sha }]);
    const replay = await send(body, headers);
    expect(replay.status).toBe(200);
    expect(replay.json.ignored).toMatch(/already processed/);
    const d = await finished(first.json.deployments[0].id);
    expect(d).toMatchObject({ status: 'active', commitSha: sha, trigger: `webhook:${provider}` });
    expect((await deployments()).filter((x) => x.commitSha === sha)).toHaveLength(1);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe(`hello from ${provider}\n`);
  });

  it('acknowledges a push to an untracked branch and ignores it with the reason', async () => {
    const before = (await deployments()).length;
    const body = pushBody('a'.repeat(40), 'feature-x');
    const res = await send(body, headersFor(provider, body));
    expect(res.status).toBe(200);
    expect(res.json.ignored).toBe('branch feature-x is not deployed by any environment of web');
    expect((await deployments()).length).toBe(before);
  });
});

describe('webhook deploys', () => {
  it('build the named commit even when the branch has moved on', async () => {
    const older = repo.commit(helloAppFiles('older'), 'older');
    repo.commit(helloAppFiles('newer'), 'newer');
    const body = pushBody(older);
    const res = await send(body, headersFor('github', body));
    const d = await finished(res.json.deployments[0].id);
    expect(d).toMatchObject({ status: 'active', commitSha: older });
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from older\n');
  });

  it('can be switched off per environment', async () => {
    expect((await cli(spur, ['settings', project, 'web', '--auto-deploy', 'off'])).code).toBe(0);
    const before = (await deployments()).length;
    const body = pushBody(repo.commit(helloAppFiles('off'), 'while off'));
    const res = await send(body, headersFor('gitea', body));
    expect(res.json.ignored).toBe('auto-deploy is off for branch main');
    expect((await deployments()).length).toBe(before);
    await cli(spur, ['settings', project, 'web', '--auto-deploy', 'on']);
  });

  it('refuse a replayed old delivery under a new id, but deploy a branch reset to an old commit', async () => {
    const oldSha = repo.commit(helloAppFiles('old'), 'old');
    const oldBody = pushBody(oldSha);
    const old = await send(oldBody, headersFor('github', oldBody));
    expect((await finished(old.json.deployments[0].id)).status).toBe('active');
    const newSha = repo.commit(helloAppFiles('new'), 'new');
    const newBody = pushBody(newSha, 'main', oldSha);
    expect((await finished((await send(newBody, headersFor('github', newBody))).json.deployments[0].id)).status).toBe('active');
    const before = (await deployments()).length;

    const replay = await send(oldBody, headersFor('github', oldBody, { delivery: randomUUID() }));
    expect(replay.status).toBe(409);
    expect(replay.json.error).toMatch(new RegExp(`production: commit ${oldSha.slice(0, 12)} is older than what runs \\(${newSha.slice(0, 12)}`));
    const again = await send(newBody, headersFor('github', newBody, { delivery: randomUUID() }));
    expect(again.status).toBe(409);
    expect(again.json.error).toMatch(/is what runs already/);
    expect((await deployments()).length).toBe(before);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from new\n');

    // A force-push back to the old commit starts from what runs: it deploys.
    const resetBody = pushBody(oldSha, 'main', newSha);
    const reset = await send(resetBody, headersFor('github', resetBody));
    expect(reset.status).toBe(202);
    expect((await finished(reset.json.deployments[0].id)).status).toBe('active');
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from old\n');
  });

  it('answer an unknown project or service exactly as a wrong signature', async () => {
    const body = pushBody('a'.repeat(40));
    for (const path of [`/webhooks/${project}/nope`, '/webhooks/nope/web']) {
      for (const provider of ['github', 'gitlab', 'gitea'] as Provider[]) {
        const headers = headersFor(provider, body, { secret: 'not-the-secret' });
        const unknown = await fetch(`${spur.url}${path}`, { method: 'POST', headers, body });
        const known = await send(body, headers);
        expect(unknown.status).toBe(401);
        expect(await unknown.json()).toEqual(known.json);
      }
      const unsigned = await fetch(`${spur.url}${path}`, { method: 'POST', headers: headersFor('github', body, { secret: null }), body });
      expect(unsigned.status).toBe(401);
    }
  });

  it('answers pings and other events without deploying', async () => {
    const body = JSON.stringify({ zen: 'hello' });
    const headers = { ...headersFor('github', body), 'X-GitHub-Event': 'ping' };
    const res = await send(body, headers);
    expect(res).toEqual({ status: 200, json: { ignored: 'the ping event is not a push or a pull request' } });
  });
});

describe('watch paths', () => {
  it('deploys a pushed commit only when the files the event lists match them', async () => {
    expect((await cli(spur, ['settings', project, 'web', '--watch-paths', 'server.js'])).code).toBe(0);
    try {
      const before = (await deployments()).length;
      const docs = repo.commit({ 'docs/guide.md': '# guide\n' }, 'docs');
      const docsBody = JSON.stringify({ ...JSON.parse(pushBody(docs)), commits: [{ id: docs, added: ['docs/guide.md'], modified: [], removed: [] }] });
      const skipped = await send(docsBody, headersFor('github', docsBody));
      expect(skipped).toEqual({ status: 200, json: { ignored: 'production: no changed file is under its watch paths (server.js)', skipped: [{ environment: 'production', reason: 'no changed file is under its watch paths (server.js)' }] } });
      expect((await deployments()).length).toBe(before);

      const code = repo.commit(helloAppFiles('watched'), 'code');
      const codeBody = JSON.stringify({ ...JSON.parse(pushBody(code, 'main', docs)), commits: [{ id: code, added: [], modified: ['server.js'], removed: [] }] });
      const deployed = await send(codeBody, headersFor('gitea', codeBody));
      expect(deployed.status).toBe(202);
      expect((await finished(deployed.json.deployments[0].id)).status).toBe('active');
      expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from watched\n');
    } finally {
      await cli(spur, ['settings', project, 'web', '--watch-paths', '']);
    }
  });
});
