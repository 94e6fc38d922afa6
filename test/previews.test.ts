// Preview environments on a real Swarm, driven by signed pull request webhooks as GitHub, Gitea
// and GitLab send them: opened makes `pr-7` from staging (with staging's other service running
// the image it serves there, and a fresh database) and deploys the request's head with the
// variables marked to copy, posting its address to the pull request as a commit status; a push
// redeploys it, closing removes every Docker object it had; a fork's pull request gets no variable
// and deploys only once an admin approves; the cap holds.
import { execFileSync } from 'node:child_process';
import { createHash, createHmac, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, docker, eventually, probe, startGitStack, stopAll, uniqueName, waitForDeployment } from './harness.js';
import { expectReadmeWalked } from './readme.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
let repo: ReturnType<typeof createRepo>;
let secret: string;
let hookUrl: string;
const project = uniqueName('pv');
const STATUS_TOKEN = 'gitea-token-for-statuses';
const call = () => api(spur, token);
const inRepo = (...args: string[]) => execFileSync('git', ['-C', repo.dir, ...args], { encoding: 'utf8' }).trim();

/** Commits the app at `version` on `branch` (made from main), and leaves main checked out. */
function commitOn(branch: string, version: string): string {
  const exists = inRepo('branch', '--list', branch) !== '';
  inRepo('checkout', '-q', ...(exists ? [branch] : ['-b', branch, 'main']));
  const sha = repo.commit(helloAppFiles(version), version);
  inRepo('checkout', '-q', 'main');
  return sha;
}

/** A fork's commit: in the repository only as the host keeps it, under refs/pull/<n>/head. */
function forkCommit(pr: number, version: string): string {
  const sha = commitOn(`fork-${pr}`, version);
  inRepo('update-ref', `refs/pull/${pr}/head`, sha);
  inRepo('branch', '-q', '-D', `fork-${pr}`);
  return sha;
}

type Provider = 'github' | 'gitea' | 'gitlab';
function pullRequest(provider: Provider, action: string, pr: number, head: string, opts: { fork?: boolean; base?: string; branch?: string } = {}) {
  const headRepo = opts.fork ? 'mallory/shop' : 'acme/shop';
  if (provider === 'gitlab') return { object_kind: 'merge_request', object_attributes: { action, iid: pr, title: `PR ${pr}`, last_commit: { id: head }, oldrev: action === 'update' ? '0'.repeat(40) : undefined, source_branch: opts.branch ?? 'cart', target_branch: opts.base ?? 'main', source_project_id: opts.fork ? 9 : 5, target_project_id: 5 } };
  const repoOf = (name: string) => (provider === 'gitea' ? { id: name === 'acme/shop' ? 1 : 2 } : { full_name: name });
  return { action, number: pr, pull_request: { number: pr, title: `PR ${pr}`, head: { sha: head, ref: opts.branch ?? 'cart', repo: repoOf(headRepo) }, base: { ref: opts.base ?? 'main', repo: repoOf('acme/shop') } } };
}

async function send(provider: Provider, payload: unknown, opts: { delivery?: string; sign?: boolean } = {}) {
  const body = JSON.stringify(payload);
  const hmac = createHmac('sha256', secret).update(body).digest('hex');
  const delivery = opts.delivery ?? randomUUID();
  const signed = opts.sign !== false;
  const headers: Record<string, string> = { 'Content-Type': 'application/json' };
  if (provider === 'github') Object.assign(headers, { 'X-GitHub-Event': 'pull_request', 'X-GitHub-Delivery': delivery }, signed ? { 'X-Hub-Signature-256': `sha256=${hmac}` } : {});
  if (provider === 'gitea') Object.assign(headers, { 'X-Gitea-Event': 'pull_request', 'X-Gitea-Delivery': delivery }, signed ? { 'X-Gitea-Signature': hmac } : {});
  if (provider === 'gitlab') Object.assign(headers, { 'X-Gitlab-Event': 'Merge Request Hook', 'X-Gitlab-Event-UUID': delivery }, signed ? { 'X-Gitlab-Token': secret } : {});
  const res = await fetch(hookUrl, { method: 'POST', headers, body });
  return { status: res.status, json: (await res.json()) as any };
}

const network = (env: string) => `spur_${project}_${env}`;
const dockerObjects = async (env: string) =>
  [
    await docker('service', 'ls', '-q', '--filter', `label=spur.project=${project}`, '--filter', `label=spur.environment=${env}`),
    await docker('network', 'ls', '-q', '--filter', `name=^${network(env)}$`),
    await docker('ps', '-aq', '--filter', `label=spur.project=${project}`, '--filter', `label=spur.environment=${env}`),
    await docker('volume', 'ls', '-q', '--filter', `label=spur.project=${project}`, '--filter', `label=spur.environment=${env}`),
  ].join('');
const environments = async () => (await call()('GET', `/projects/${project}/environments`)).json.environments.map((e: { name: string }) => e.name);

/** The commit statuses posted to `path`: pending, then success linking to the preview. */
async function expectStatuses(path: string, authorization: string, url: string) {
  const statuses = await eventually('the success status', () => {
    const posted = git.apiCalls.filter((c) => c.path === path);
    return posted.some((c) => c.body.state === 'success') ? posted : undefined;
  }, 20_000).catch((err) => {
    throw new Error(`${err}; the host got ${JSON.stringify(git.apiCalls.map((c) => [c.path, c.body.state]))}; Spur said: ${spur.output().split('\n').filter((l) => l.includes('commit status')).join('\n')}`);
  });
  expect(statuses.map((c) => c.body.state)).toContain('pending');
  expect(statuses.every((c) => c.authorization === authorization && c.body.context === 'spur/preview')).toBe(true);
  expect(statuses.find((c) => c.body.state === 'success')!.body.target_url).toBe(url);
}

const walked: string[] = [];
function user(args: string[]) {
  walked.push(['spur', ...args].join(' ').replaceAll(project, 'shop'));
  return cli(spur, args);
}

beforeAll(async () => {
  ({ git, spur, token } = await startGitStack({ env: { SPUR_PREVIEWS_MAX: '1' } }));
  repo = createRepo(git, `acme/${project}.git`);
  repo.commit(helloAppFiles('main-1'), 'main-1');
  expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'web', '--git', repo.url])).code).toBe(0);
  expect((await cli(spur, ['project', 'env', project, 'staging'])).code).toBe(0);
  expect((await cli(spur, ['settings', project, 'web', '--health', 'http', '--health-path', '/health', '--health-interval', '1', '--health-start-period', '2', '--env', 'staging'])).code).toBe(0);
  expect((await cli(spur, ['vars', 'set', project, 'web', 'GREETING=hi-preview', 'API_TOKEN=tok-never-in-a-fork', 'CACHE_URL=${{cache.DATABASE_URL}}', '--env', 'staging'])).code).toBe(0);
  // Staging's other service and its database: a preview of the whole project holds them too.
  expect((await cli(spur, ['db', 'create', project, 'cache', '--engine', 'redis', '--env', 'staging'])).code).toBe(0);
  expect((await cli(spur, ['service', 'create', project, 'api', '--git', repo.url])).code).toBe(0);
  const api = await cli(spur, ['deploy', project, 'api', '--env', 'staging']);
  expect(api.code, api.stderr).toBe(0);
  const access = JSON.parse((await cli(spur, ['git', project, 'web', '--json'])).stdout);
  [secret, hookUrl] = [access.webhook.secret, access.webhook.url];
}, 300_000);

afterAll(() => stopAll({ spur, git }, [project]));

describe('previews of pull requests', () => {
  it('are off until an admin turns them on; a pull request then is ignored, and bad settings are refused', async () => {
    expect(await send('github', pullRequest('github', 'opened', 7, 'a'.repeat(40)))).toEqual({ status: 200, json: { ignored: 'previews are off for web' } });
    const noBase = await cli(spur, ['previews', 'on', project, 'web', '--base', 'qa']);
    expect(noBase.stderr.trim()).toMatch(/^spur: environment qa .*\(HTTP 404\)$/);
    const badCopy = await call()('PUT', `/projects/${project}/services/web/previews`, { base: 'staging', copy: ['GREETING', 'not a name'] });
    expect(badCopy.status).toBe(400);
    const badWith = await cli(spur, ['previews', 'on', project, 'web', '--base', 'staging', '--with', 'everything']);
    expect(badWith.stderr.trim()).toMatch(/^spur: with: .*\(HTTP 400\)$/);
    const badToken = await call()('PUT', `/projects/${project}/services/web/previews`, { base: 'staging', statusToken: 'has a space' });
    expect(badToken.status).toBe(400);
    expect((await call()('GET', `/projects/${project}/services/web/previews`)).json.previews.on).toBe(false);
    const on = await user(['previews', 'on', project, 'web', '--base', 'staging', '--copy', 'GREETING,CACHE_URL', '--with', 'project', '--databases', 'fresh', '--status-token', STATUS_TOKEN]);
    expect(on.stdout.trim()).toBe("Previews of web's pull requests: made from staging (web and staging's other services, with fresh databases), copying GREETING, CACHE_URL; an idle one goes after 72 h; each reports its address to its pull request");
    // The token is kept, never shown.
    const settings = await call()('GET', `/projects/${project}/services/web/previews`);
    expect(settings.json.previews).toMatchObject({ with: 'project', databases: 'fresh', statusToken: true });
    expect(JSON.stringify(settings.json)).not.toContain(STATUS_TOKEN);
  });

  it('refuses an unsigned event, and ignores a pull request into another branch', async () => {
    expect((await send('github', pullRequest('github', 'opened', 7, 'a'.repeat(40)), { sign: false })).status).toBe(401);
    expect((await send('github', pullRequest('github', 'opened', 7, 'a'.repeat(40), { base: 'release' }))).json).toEqual({ ignored: 'pull request 7 goes into release, not main' });
    expect(await environments()).toEqual(['production', 'staging']);
  });

  it('opened: makes pr-7 from staging and deploys its head with the copied variables; a push redeploys; a replay does nothing', async () => {
    const first = commitOn('cart', 'pr7-a');
    const delivery = randomUUID();
    const opened = await send('github', pullRequest('github', 'opened', 7, first), { delivery });
    expect(opened.status).toBe(202);
    expect(opened.json.preview).toMatchObject({ environment: 'pr-7', service: 'web', pullRequest: 7, fork: false, head: first });
    expect(opened.json.preview.url).toMatch(/^http:\/\/.+\.spur\.test$/);
    expect((await waitForDeployment(spur, token, opened.json.deployment)).status).toBe('active');
    expect((await probe(network('pr-7'), 'http://web:3000/')).body.trim()).toBe('hi-preview from pr7-a');
    expect(Object.keys((await call()('GET', `/projects/${project}/services/web/variables?env=pr-7`)).json.variables).sort()).toEqual(['CACHE_URL', 'GREETING']);
    // The pull request is told where its preview runs: pending while it deploys, then its address,
    // through the API of the host whose event it was (GitHub Enterprise's path on a host of its own).
    await expectStatuses(`/api/v3/repos/acme/${project}/statuses/${first}`, `Bearer ${STATUS_TOKEN}`, opened.json.preview.url);
    // Staging's other service runs in the preview with the very image it runs in staging.
    const imageOf = async (env: string) => {
      const [latest] = (await call()('GET', `/projects/${project}/services/api/deployments?env=${env}`)).json.deployments;
      return latest && (await waitForDeployment(spur, token, latest.id)).status === 'active' ? latest.imageTag : undefined;
    };
    const apiImage = await eventually("api's deployment in pr-7", () => imageOf('pr-7'), 120_000);
    expect(apiImage).toBe(await imageOf('staging'));
    // A fresh database of its own: the copied reference leads to it, not to staging's.
    const cacheUrl = (env: string) => call()('GET', `/projects/${project}/databases/cache/credentials?env=${env}`).then((r) => r.json.variables.DATABASE_URL as string);
    // (Its value is a secret `spur run` masks: its digest tells which database it names.)
    const digest = (v: string) => createHash('sha256').update(v).digest('hex');
    const ran = await cli(spur, ['run', project, 'web', '--env', 'pr-7', '--', 'node', '-e', "console.log(require('crypto').createHash('sha256').update(process.env.CACHE_URL).digest('hex'))"]);
    expect(ran.stdout.trim()).toBe(digest(await cacheUrl('pr-7')));
    expect(ran.stdout.trim()).not.toBe(digest(await cacheUrl('staging')));
    expect((await send('github', pullRequest('github', 'opened', 7, first), { delivery })).json).toEqual({ ignored: `delivery ${delivery} was already processed` });
    const second = commitOn('cart', 'pr7-b');
    const pushed = await send('gitea', pullRequest('gitea', 'synchronized', 7, second));
    expect(pushed.status).toBe(202);
    expect((await waitForDeployment(spur, token, pushed.json.deployment)).status).toBe('active');
    expect((await probe(network('pr-7'), 'http://web:3000/')).body.trim()).toBe('hi-preview from pr7-b');
    await expectStatuses(`/api/v1/repos/acme/${project}/statuses/${second}`, `token ${STATUS_TOKEN}`, opened.json.preview.url);
    const list = await user(['previews', 'list', project]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^pr-7\tweb #7\thttp:\/\/\S+\texpires \d{4}-/);
  });

  it("a request the host says is not a fork, whose head is not the repository's own branch (Gitea AGit), is treated as one", async () => {
    const head = forkCommit(11, 'agit-1');
    const opened = await send('gitea', pullRequest('gitea', 'opened', 11, head, { branch: 'mallory/topic' }));
    expect(opened.status).toBe(202);
    expect(opened.json.preview).toMatchObject({ environment: 'pr-11', fork: true });
    expect(opened.json.deployment).toBeUndefined();
    expect((await call()('GET', `/projects/${project}/services/web/variables?env=pr-11`)).json.variables).toEqual({});
    expect((await send('gitea', pullRequest('gitea', 'closed', 11, head))).json.removed).toBe(true);
  });

  it("a fork's pull request: no variable, no deploy until an admin approves it", async () => {
    const head = forkCommit(8, 'fork-1');
    const opened = await send('gitlab', pullRequest('gitlab', 'open', 8, head, { fork: true, branch: 'evil' }));
    expect(opened.status).toBe(202);
    expect(opened.json.preview).toMatchObject({ environment: 'pr-8', fork: true });
    expect(opened.json.deployment).toBeUndefined();
    expect(typeof opened.json.request).toBe('number');
    // A fork's preview holds its service only: no other service, no database.
    expect((await call()('GET', `/projects/${project}/services/api/deployments?env=pr-8`)).status).toBe(404);
    expect((await call()('GET', `/projects/${project}/databases?env=pr-8`)).json.databases).toEqual([]);
    expect((await call()('GET', `/projects/${project}/services/web/variables?env=pr-8`)).json.variables).toEqual({});
    expect((await call()('GET', `/projects/${project}/services/web/deployments?env=pr-8`)).json.deployments).toEqual([]);
    // A newer push asks again; the request for the older head is withdrawn.
    const newer = forkCommit(8, 'fork-2');
    const again = await send('gitlab', pullRequest('gitlab', 'update', 8, newer, { fork: true, branch: 'evil' }));
    expect(again.json.request).not.toBe(opened.json.request);
    const requests = (await call()('GET', `/projects/${project}/requests`)).json.requests as { id: number; status: string }[];
    expect(requests.find((r) => r.id === opened.json.request)?.status).toBe('cancelled');
    const approved = await cli(spur, ['approve', String(again.json.request)]);
    expect(approved.code, approved.stderr).toBe(0);
    const [deployment] = (await call()('GET', `/projects/${project}/services/web/deployments?env=pr-8`)).json.deployments;
    expect((await waitForDeployment(spur, token, deployment.id)).status).toBe('active');
    expect((await probe(network('pr-8'), 'http://web:3000/')).body.trim()).toBe('hello from fork-2');
  });

  it("holds the cap (forks' previews apart): a second preview at once is refused, and nothing is made", async () => {
    const refused = await send('github', pullRequest('github', 'opened', 9, commitOn('other', 'pr9'), { branch: 'other' }));
    expect(refused.status).toBe(409);
    expect(refused.json.error).toContain('has 1 preview, the most it may have at once (SPUR_PREVIEWS_MAX)');
    expect(await environments()).toEqual(['production', 'staging', 'pr-7', 'pr-8']);
  });

  it('closed or merged: removes the preview and every Docker object it had', async () => {
    expect(await dockerObjects('pr-7')).not.toBe('');
    const closed = await send('github', pullRequest('github', 'closed', 7, 'a'.repeat(40)));
    expect(closed).toMatchObject({ status: 202, json: { removed: true, preview: { environment: 'pr-7' } } });
    expect(await dockerObjects('pr-7')).toBe('');
    const merged = await send('gitlab', pullRequest('gitlab', 'merge', 8, 'a'.repeat(40), { fork: true }));
    expect(merged.json.removed).toBe(true);
    expect(await dockerObjects('pr-8')).toBe('');
    expect(await environments()).toEqual(['production', 'staging']);
    expect((await cli(spur, ['previews', 'list', project])).stdout.trim()).toBe('No previews.');
  });

  it('a preview whose pull request turns out to come from a fork is removed whole and made again as a fork\'s', async () => {
    const trusted = await send('github', pullRequest('github', 'opened', 12, commitOn('topic', 'pr12-a'), { branch: 'topic' }));
    expect(trusted.json.preview).toMatchObject({ environment: 'pr-12', fork: false });
    // (A preview rolling out is removed only once that has finished.)
    expect((await waitForDeployment(spur, token, trusted.json.deployment)).status).toBe('active');
    const [apiDeployment] = (await call()('GET', `/projects/${project}/services/api/deployments?env=pr-12`)).json.deployments;
    await waitForDeployment(spur, token, apiDeployment.id);
    expect((await call()('GET', `/projects/${project}/databases?env=pr-12`)).json.databases.map((d: { name: string }) => d.name)).toEqual(['cache']);
    const forked = await send('gitea', pullRequest('gitea', 'synchronized', 12, forkCommit(12, 'pr12-fork'), { branch: 'topic' }));
    expect(forked.status).toBe(202);
    expect(forked.json.preview).toMatchObject({ environment: 'pr-12', fork: true });
    expect(typeof forked.json.request).toBe('number');
    expect((await call()('GET', `/projects/${project}/services/api/deployments?env=pr-12`)).status).toBe(404);
    expect((await call()('GET', `/projects/${project}/databases?env=pr-12`)).json.databases).toEqual([]);
    expect((await call()('GET', `/projects/${project}/services/web/variables?env=pr-12`)).json.variables).toEqual({});
    expect(await docker('service', 'ls', '-q', '--filter', `label=spur.project=${project}`, '--filter', 'label=spur.environment=pr-12')).toBe('');
    expect((await send('gitea', pullRequest('gitea', 'closed', 12, 'a'.repeat(40)))).json.removed).toBe(true);
  });

  it('has walked the README\'s "Preview environments"', () => expectReadmeWalked('Preview environments', walked));
});
