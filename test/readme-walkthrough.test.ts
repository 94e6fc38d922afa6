// The README, walked as a new user walks it: every shell line it shows runs as written (with
// <placeholders> filled in) against a real running Spur, in the README's order, and what the user
// should then see is checked. A README line this tier does not know fails it: change the README,
// and this test must change with it.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import S3rver from 's3rver';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles, startGitServer } from './fixtures/git-server.js';
import { SPUR_BIN, launchBrowser, type SpurProcess, cleanupProject, stopAll, docker, probe, startSpur, waitForDeployment } from './harness.js';
import { type ShellBlock, isComment, readmeShellBlocks, withoutComment } from './readme.js';

/** Shell blocks this tier does not run, and why. Any other block must be walked below. */
const NOT_WALKED: Record<string, string> = {
  'Develop: two commands': '`npm test` is the command running this tier; `npm start` builds and serves the bundle the executable every test here starts is made from',
  'Install on a server': 'walked by test/install.test.ts, as root in a systemd container, from a local release mirror',
  'Update and back up': 'walked by test/install.test.ts against the Spur that install.sh started there',
  'Without a Dockerfile': 'walked line by line by test/build-stacks.test.ts, which deploys a repository of each stack Spur recognises (on stand-in base images)',
  'A second server': "walked line by line by test/nodes.test.ts, which enrolls a real second server; it runs alone, so that server takes no other file's tasks",
  'Spur on its own domain (HTTPS)': 'walked by test/install.test.ts (the environment file and systemd are there); the domain itself by test/certificates.test.ts',
  'Preview environments': 'walked line by line by test/previews.test.ts, which sends the signed pull request events a git host would',
  'Promote': 'walked line by line by test/release-flows.test.ts, which compares the image ids of both environments',
  'One-off commands': 'walked line by line by test/release-flows.test.ts',
  'Scheduled jobs': 'walked line by line by test/release-flows.test.ts, which also waits for a run on its schedule',
  'Canary and blue-green': 'walked line by line by test/canary.test.ts, which reads the weights Spur writes for Traefik',
  'Volume backups': 'walked line by line by test/volume-backups.test.ts, which compares the files restored with the ones backed up',
  'Templates': 'walked line by line by test/templates.test.ts, which deploys three templates on stand-in images under their official names',
  'Compose apps': 'walked line by line by test/compose.test.ts, which deploys, redeploys and rolls back a web + worker + Postgres + Redis app under load',
  'Event webhooks': 'walked line by line by test/events.test.ts, which receives the signed deliveries of a real deploy, a retry after a 500 and a redelivery',
  'MCP server': 'walked line by line by test/mcp.test.ts, whose MCP client (the SDK\'s) deploys through `spur mcp` with that token',
};
const WALKED = ['Your first deploy', 'The API', 'git push', 'Custom domains', 'Databases', 'Backups', 'Health checks', 'Scale, limits, restarts'];

const PROJECT = 'shop';
const EMAIL = 'you@example.com';
const PASSWORD = 'a long password';

let git: GitServer;
let spur: SpurProcess;
let browser: Browser;
const home = mkdtempSync(join(tmpdir(), 'spur-readme-home-'));
const bin = join(home, 'bin');
const appDir = join(home, 'app');
let repo: ReturnType<typeof createRepo>;
let apiToken = '';
/** S3-compatible storage on loopback, for "Backups"; and the backup the user last took. */
let s3server: S3rver;
let s3dir: string;
let s3endpoint = '';
let backupId = '';

const blocks = readmeShellBlocks();
const block = (heading: string): ShellBlock => {
  const found = blocks.find((b) => b.heading === heading);
  if (!found) throw new Error(`the README has no shell block under "${heading}" any more`);
  return found;
};

interface Result {
  code: number;
  out: string;
}

/** Runs one README line in bash, as a user types it: `spur` on the PATH, a home of its own,
 *  and on "the server" the data dir of the running Spur. */
function sh(line: string, opts: { cwd?: string; stdin?: string } = {}): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', line], { cwd: opts.cwd ?? home, env: userEnv() });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('close', (code) => resolve({ code: code ?? -1, out }));
    // A command that exits without reading its input closes the pipe first (EPIPE): not a failure.
    child.stdin.on('error', () => {});
    child.stdin.end(opts.stdin ?? '');
  });
}

function userEnv(): NodeJS.ProcessEnv {
  return {
    PATH: `${bin}:${process.env.PATH}`,
    HOME: home,
    SPUR_DATA_DIR: spur.dataDir,
    GIT_SSH_COMMAND: `ssh -i ${join(home, '.ssh', 'id_ed25519')} -o IdentitiesOnly=yes -o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=${join(home, '.ssh', 'known_hosts')} -o LogLevel=ERROR`,
    GIT_AUTHOR_NAME: 'You',
    GIT_AUTHOR_EMAIL: EMAIL,
    GIT_COMMITTER_NAME: 'You',
    GIT_COMMITTER_EMAIL: EMAIL,
  };
}

/** The README's placeholders, filled in for this machine. */
function fill(line: string): string {
  return line
    .replaceAll('http://<server>:3000', spur.url)
    .replaceAll('<server>:2222', `127.0.0.1:${spur.sshPort}`)
    .replaceAll('spur_…', apiToken)
    .replaceAll('https://github.com/you/app.git', repo.url)
    .replaceAll('<secret>', 'S3RVER')
    .replaceAll('<key>', 'S3RVER')
    .replaceAll('<endpoint>', s3endpoint)
    .replaceAll('<bucket>', 'readme-backups')
    .replaceAll('<id>', backupId);
}

type Step = { match: RegExp; run: (line: string) => Promise<void> };

/** Runs every line of a block; each must match a step that says what the user then sees. */
async function walk(heading: string, steps: Step[]): Promise<void> {
  for (const line of block(heading).lines) {
    const command = isComment(line) ? line : withoutComment(line);
    const step = steps.find((s) => s.match.test(command));
    if (!step) {
      if (isComment(line)) continue;
      throw new Error(`README "${heading}" shows \`${line}\`, and the walkthrough does not know what a user should see after it`);
    }
    await step.run(fill(command));
  }
}

async function ok(line: string, opts?: { cwd?: string }): Promise<string> {
  const res = await sh(line, opts);
  expect(res.code, `\`${line}\` exited ${res.code}:\n${res.out}`).toBe(0);
  return res.out;
}

async function status(service: string): Promise<{ network: string; internalUrl: string }> {
  return JSON.parse(await ok(`spur status ${PROJECT} ${service} --json`));
}

/** What another service of the project gets from the app over the project network. */
async function answer(service: string): Promise<string> {
  const s = await status(service);
  const res = await probe(s.network, `${s.internalUrl}/`);
  expect(res.ok, res.error).toBe(true);
  return res.body;
}

async function loginInBrowser(): Promise<void> {
  const page = await browser.newPage();
  await page.goto(spur.url);
  expect(new URL(page.url()).pathname).toBe('/login');
  await page.getByLabel('Email').fill(EMAIL);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Log in' }).click();
  await page.waitForURL(`${spur.url}/`);
  await page.close();
}

/** Starts `line` (a command that runs until stopped), waits for `expected` in its output, then
 *  stops it as Ctrl-C would. */
async function untilSeen(line: string, expected: string, timeoutMs = 60_000): Promise<string> {
  const child: ChildProcess = spawn('bash', ['-c', `exec ${line}`], { cwd: home, env: userEnv() });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const deadline = Date.now() + timeoutMs;
  while (!out.includes(expected) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGINT');
  expect(out, `\`${line}\` did not show "${expected}"`).toContain(expected);
  return out;
}

beforeAll(async () => {
  await cleanupProject(PROJECT);
  git = await startGitServer();
  repo = createRepo(git, 'app.git');
  repo.commit(helloAppFiles('v1'), 'first version');
  mkdirSync(bin);
  symlinkSync(SPUR_BIN, join(bin, 'spur'));
  mkdirSync(join(home, '.ssh'), { mode: 0o700 });
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', EMAIL, '-f', join(home, '.ssh', 'id_ed25519')]);
  browser = await launchBrowser();
  s3dir = mkdtempSync(join(tmpdir(), 'spur-readme-s3-'));
  s3server = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: s3dir, configureBuckets: [{ name: 'readme-backups', configs: [] }] });
  s3endpoint = `http://127.0.0.1:${(await s3server.run()).port}`;
});

afterAll(async () => {
  await stopAll({ browser, spur, git }, [PROJECT]);
  await s3server?.close();
  rmSync(s3dir, { recursive: true, force: true });
});

describe.sequential('README walkthrough', () => {
  it('walks every shell block of the README, or says why not', () => {
    const headings = blocks.map((b) => b.heading);
    for (const h of headings) expect(WALKED.includes(h) || h in NOT_WALKED, `README block under "${h}" is neither walked nor excused`).toBe(true);
    for (const h of [...WALKED, ...Object.keys(NOT_WALKED)]) expect(headings, `README lost its "${h}" block`).toContain(h);
  });

  it('step 1 in a browser: claims a fresh server with the setup token from the log, then creates a project', async () => {
    spur = await startSpur({ env: git.spurEnv });
    // The README: `journalctl -u spur | grep "setup token"`; here Spur's log is its output.
    const logLine = spur.output().split('\n').find((l) => l.includes('setup token'));
    const setupToken = /setup token (\S+)/.exec(logLine ?? '')?.[1];
    expect(setupToken, 'Spur logs a line with "setup token"').toBeTruthy();
    const page = await browser.newPage();
    await page.goto(spur.url);
    expect(new URL(page.url()).pathname).toBe('/setup');
    await page.getByLabel('Setup token').fill(setupToken!);
    await page.getByLabel('Email').fill(EMAIL);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Create owner' }).click();
    await page.waitForURL(`${spur.url}/`);
    // Step 2: a project on the dashboard, then staging on the project page.
    await page.getByLabel('Project name').fill(PROJECT);
    await page.getByRole('button', { name: 'Create project' }).click();
    await page.waitForURL(`${spur.url}/projects/${PROJECT}`);
    await page.getByText('Environments and deletion').click();
    await page.getByLabel('Environment name').fill('staging');
    await page.getByRole('button', { name: 'Add environment' }).click();
    await expect.poll(() => page.getByText('staging').count()).toBeGreaterThan(0);
    await page.close();
    await spur.stop();
  });

  it('"Your first deploy", the same from the CLI: claimed on the server, then every line as written', async () => {
    spur = await startSpur({ env: git.spurEnv });
    let version = 'v1';
    await walk('Your first deploy', [
      {
        match: /^spur token create --email \S+$/,
        run: async (line) => {
          // The user copies the token from what the command printed.
          apiToken = /^spur_\S+$/m.exec(await ok(line))?.[0] ?? '';
          expect(apiToken, 'token create prints a spur_… token on a line of its own').not.toBe('');
        },
      },
      {
        match: /^echo '.+' \| spur user password --email \S+$/,
        run: async (line) => {
          await ok(line);
          // The web UI takes that email and password at once: Spur was never restarted.
          await loginInBrowser();
        },
      },
      { match: /^spur login http:\/\/<server>:3000 --token spur_…$/, run: async (line) => expect(await ok(line)).toContain(EMAIL) },
      { match: /^spur project create shop$/, run: async (line) => void (await ok(line)) },
      { match: /^spur service create shop web --git \S+ --branch main --port 3000$/, run: async (line) => void (await ok(line)) },
      { match: /^spur vars set shop web .*GREETING=hello/, run: async (line) => void (await ok(line)) },
      {
        match: /^spur deploy shop web$/,
        run: async (line) => {
          expect(await ok(line)).toMatch(/Deployment \d+ is active\./);
          expect(await answer('web')).toBe(`hello from ${version}\n`);
        },
      },
      { match: /^spur status shop web$/, run: async (line) => expect(await ok(line)).toMatch(/#\d+ active/) },
      { match: /^spur logs shop web --follow$/, run: async (line) => void (await untilSeen(line, `hello-app ${version} listening on 3000`)) },
      {
        match: /^# push a change to the branch, then:$/,
        run: async () => {
          version = 'v2';
          repo.commit(helloAppFiles('v2'), 'second version');
        },
      },
      {
        match: /^spur deployments shop web$/,
        run: async (line) => {
          const out = await ok(line);
          expect(out.trim().split('\n')).toHaveLength(2);
          expect(out).toMatch(/active/);
          expect(out).toMatch(/superseded/);
        },
      },
      {
        match: /^spur rollback shop web$/,
        run: async (line) => {
          await ok(line);
          expect(await answer('web')).toBe('hello from v1\n');
        },
      },
      {
        match: /^spur scale shop web 3$/,
        run: async (line) => {
          await ok(line);
          await expect.poll(() => runningTasks('web'), { timeout: 60_000, interval: 1000 }).toBe(3);
        },
      },
      { match: /^spur cancel shop web$/, run: async (line) => expect(await ok(line)).toMatch(/Nothing to cancel/) },
    ]);
  });

  it('"The API": the OpenAPI document without a token, the projects and a deploy with one', async () => {
    await walk('The API', [
      {
        match: /^curl -fsS http:\/\/<server>:3000\/api\/v1\/openapi\.json -o spur-openapi\.json$/,
        run: async (line) => {
          await ok(line);
          const doc = JSON.parse(readFileSync(join(home, 'spur-openapi.json'), 'utf8')) as { openapi: string; paths: Record<string, Record<string, unknown>> };
          expect(doc.openapi).toBe('3.1.0');
          expect(doc.paths['/projects/{project}/services/{service}/deployments']).toHaveProperty('post');
        },
      },
      { match: /^curl -fsS -H 'Authorization: Bearer spur_…' http:\/\/<server>:3000\/api\/v1\/projects$/, run: async (line) => expect(JSON.parse(await ok(line)).projects.map((p: { name: string }) => p.name)).toContain(PROJECT) },
      {
        match: /^curl -fsS -X POST -H 'Authorization: Bearer spur_…' http:\/\/<server>:3000\/api\/v1\/projects\/shop\/services\/web\/deployments$/,
        run: async (line) => {
          const { deployment } = JSON.parse(await ok(line)) as { deployment: { id: number; status: string } };
          expect(deployment.status).toBe('queued');
          // The branch is at v2 (pushed above, then rolled back from): the deploy builds it.
          expect((await waitForDeployment(spur, apiToken, deployment.id)).status).toBe('active');
          expect(await answer('web')).toBe('hello from v2\n');
        },
      },
    ]);
  });

  it('"Push webhooks": a signed GitHub push to protected production asks, and deploys exactly the pushed commit once approved', async () => {
    const access = JSON.parse(await ok(`spur git ${PROJECT} web --json`)) as { webhook: { url: string; secret: string } };
    const before = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: repo.dir }).toString().trim();
    const sha = repo.commit(helloAppFiles('v3'), 'third version');
    const body = JSON.stringify({ ref: 'refs/heads/main', before, after: sha, repository: { name: 'app' } });
    const res = await fetch(access.webhook.url, {
      method: 'POST',
      body,
      headers: { 'Content-Type': 'application/json', 'X-GitHub-Event': 'push', 'X-GitHub-Delivery': randomUUID(), 'X-Hub-Signature-256': `sha256=${createHmac('sha256', access.webhook.secret).update(body).digest('hex')}` },
    });
    // Production is protected from the start: the webhook makes a deploy request, nothing deploys yet.
    expect(res.status, await res.clone().text()).toBe(202);
    const { requests } = (await res.json()) as { requests: { id: number; environment: string; commit: string }[] };
    expect(requests).toMatchObject([{ environment: 'production', commit: sha }]);
    expect(await answer('web')).not.toBe('hello from v3\n');
    await ok(`spur approve ${requests[0].id}`);
    await expect.poll(() => answer('web'), { timeout: 180_000, interval: 2000 }).toBe('hello from v3\n');
  });

  it('"git push": adds a key, creates a push service, and deploys with a stock git push', async () => {
    mkdirSync(appDir);
    execFileSync('git', ['init', '-q', '-b', 'main'], { cwd: appDir });
    for (const [file, content] of Object.entries(helloAppFiles('pushed'))) writeFileSync(join(appDir, file), content);
    execFileSync('git', ['add', '-A'], { cwd: appDir });
    execFileSync('git', ['-c', 'user.name=You', '-c', `user.email=${EMAIL}`, 'commit', '-q', '-m', 'pushed version'], { cwd: appDir });
    await walk('git push', [
      { match: /^spur keys add ~\/\.ssh\/id_ed25519\.pub$/, run: async (line) => void (await ok(line)) },
      { match: /^spur service create shop api --push$/, run: async (line) => void (await ok(line)) },
      { match: /^spur git shop api$/, run: async (line) => expect(await ok(line)).toContain(`ssh://git@`) },
      { match: /^git remote add spur ssh:\/\/git@<server>:2222\/shop\/api$/, run: async (line) => void (await ok(line, { cwd: appDir })) },
      {
        match: /^git push spur main$/,
        run: async (line) => {
          const out = await ok(line, { cwd: appDir });
          expect(out).toMatch(/remote: .*Deployment \d+ is active\./);
          expect(await answer('api')).toBe('hello from pushed\n');
        },
      },
    ]);
  });

  it('"Custom domains": a domain added is routed at once, listed with its certificate, and removed', async () => {
    const routerRule = async () => {
      const labels = JSON.parse(await docker('service', 'inspect', await swarmName('web')))[0].Spec.Labels as Record<string, string>;
      return Object.entries(labels).find(([k]) => /^traefik\.http\.routers\.[^.]+\.rule$/.test(k))?.[1];
    };
    await walk('Custom domains', [
      {
        match: /^spur domains add shop web shop\.example\.com$/,
        run: async (line) => {
          const tasks = await taskIds('web');
          expect(await ok(line)).toMatch(/Added shop\.example\.com/);
          expect(await routerRule()).toMatch(/^Host\(`web-shop\.[^`]+`\) \|\| Host\(`shop\.example\.com`\)$/);
          expect(await taskIds('web')).toEqual(tasks);
        },
      },
      // No CA here answers: the order fails, and the list says so in the CA client's words.
      { match: /^spur domains list shop web$/, run: async (line) => expect.poll(async () => (await ok(line)).trim(), { timeout: 20_000 }).toMatch(/^http:\/\/shop\.example\.com {2}certificate failed: could not reach the ACME directory https:\/\/127\.0\.0\.1:9\/directory: connect ECONNREFUSED .+ \(next try /) },
      {
        match: /^spur domains set shop web shop\.example\.com --hsts on$/,
        run: async (line) => {
          expect(await ok(line)).toMatch(/^http:\/\/shop\.example\.com {2}certificate /);
          expect(JSON.parse(await ok(`spur domains list ${PROJECT} web --json`)).domains[0]).toMatchObject({ hostname: 'shop.example.com', https: true, hsts: true });
        },
      },
      {
        match: /^spur domains remove shop web shop\.example\.com$/,
        run: async (line) => {
          expect(await ok(line)).toMatch(/Removed shop\.example\.com/);
          expect(await routerRule()).toMatch(/^Host\(`web-shop\.[^`]+`\)$/);
        },
      },
    ]);
    expect((await ok(`spur domains list ${PROJECT} web`)).trim()).toBe('No custom domains.');
  });

  it('"Databases": Postgres created, referenced by the app\'s DATABASE_URL, resolved at deploy', async () => {
    await walk('Databases', [
      {
        match: /^spur db create shop pg --engine postgres$/,
        run: async (line) => {
          expect(await ok(line)).toContain('Reference:   ${{pg.DATABASE_URL}}');
          await expect.poll(async () => ok(`spur db info ${PROJECT} pg`), { timeout: 120_000, interval: 1000 }).toMatch(/^State: +running$/m);
        },
      },
      { match: /^spur vars set shop web 'DATABASE_URL=\$\{\{pg\.DATABASE_URL\}\}'$/, run: async (line) => void (await ok(line)) },
      {
        match: /^spur deploy shop web$/,
        run: async (line) => {
          await ok(line);
          const env = JSON.parse(await docker('service', 'inspect', await swarmName('web')))[0].Spec.TaskTemplate.ContainerSpec.Env as string[];
          expect(env.find((e) => e.startsWith('DATABASE_URL='))).toMatch(/^DATABASE_URL=postgresql:\/\/app:[A-Za-z0-9_-]+@pg:5432\/pg$/);
        },
      },
      {
        match: /^spur db info shop pg$/,
        run: async (line) => {
          const out = await ok(line);
          expect(out).toMatch(/^Address: +pg:5432 on the project network$/m);
          expect(out).toMatch(/^Data: +volume spur_shop_pg_production_data_[0-9a-f]{12}$/m);
          expect(await ok(`${line} --show-credentials`)).toMatch(/^PGPASSWORD=[A-Za-z0-9_-]+$/m);
        },
      },
    ]);
  }, 240_000);

  it('"Backups": copies to S3, a schedule, a backup taken, proven and copied, restored into a new database and into itself, downloaded', async () => {
    await walk('Backups', [
      {
        match: /^SPUR_S3_SECRET_KEY=<secret> spur instance --s3-endpoint <endpoint> --s3-bucket <bucket> --s3-access-key <key>$/,
        run: async (line) => expect(await ok(line)).toContain(`Backups to:  s3://readme-backups at ${s3endpoint} (us-east-1, key S3RVER)`),
      },
      { match: /^spur db set shop pg --schedule '30 2 \* \* \*' --keep 14$/, run: async (line) => expect(await ok(line)).toMatch(/^Backups: +on "30 2 \* \* \*" \(UTC\), next \S+T02:30:00\.000Z; the newest 14 kept$/m) },
      {
        match: /^spur db backup shop pg$/,
        run: async (line) => {
          backupId = /^Backup (\d+) of pg: \d+ bytes, sha256 [0-9a-f]{64}$/m.exec(await ok(line))?.[1] ?? '';
          expect(backupId).not.toBe('');
        },
      },
      {
        match: /^spur db backups shop pg$/,
        run: async (line) => {
          await expect.poll(() => ok(line), { timeout: 240_000, interval: 2000 }).toMatch(new RegExp(`^${backupId}\t\\S+\tmanual\t\\d+ bytes\tsha256 [0-9a-f]{64}\tverify passed: restored; it holds \\S.*\tS3 ok$`, 'm'));
        },
      },
      {
        match: /^spur db restore shop pg <id> --into pg-restored$/,
        run: async (line) => {
          expect((await ok(line)).trim()).toBe(`Restored backup ${backupId} of pg into the new database pg-restored; pg is untouched.`);
          expect(await ok(`spur db info ${PROJECT} pg-restored`)).toMatch(/^State: +running$/m);
        },
      },
      { match: /^spur db restore shop pg <id> --yes$/, run: async (line) => expect((await ok(line)).trim()).toBe(`Restored backup ${backupId} into pg.`) },
      {
        match: /^spur db download shop pg <id>$/,
        run: async (line) => {
          const file = `shop-pg-${backupId}.dump`;
          expect((await ok(line)).trim()).toMatch(new RegExp(`^Saved backup ${backupId} of pg to ${file} \\(\\d+ bytes\\)\\.$`));
          expect(existsSync(join(home, file)) && statSync(join(home, file)).size).toBeGreaterThan(0);
        },
      },
    ]);
  }, 420_000);

  it('"Health checks" and "Scale, limits, restarts": the settings shown reach Swarm with the next deploy', async () => {
    const settings = { match: /^spur settings shop web /, run: async (line: string) => void (await ok(line)) };
    await walk('Health checks', [settings]);
    await walk('Scale, limits, restarts', [{ match: /^spur scale shop web 3$/, run: async (line) => void (await ok(line)) }, settings]);
    await ok(`spur deploy ${PROJECT} web`);
    const spec = JSON.parse(await docker('service', 'inspect', await swarmName('web')))[0].Spec;
    const task = spec.TaskTemplate;
    // The interval is the probe's own: it stays in the task and checks every 5 s.
    expect(task.ContainerSpec.Healthcheck.Test.join(' ')).toMatch(/^CMD \/spur\/probe watch 5000 \d+ \d+ \d+ 20 http \d+ \/health$/);
    expect(task.ContainerSpec.Healthcheck.StartPeriod).toBe(20e9);
    expect(task.Resources.Limits).toMatchObject({ NanoCPUs: 5e8, MemoryBytes: 256 * 1024 * 1024 });
    expect(task.Resources.Reservations).toMatchObject({ NanoCPUs: 1e8, MemoryBytes: 64 * 1024 * 1024 });
    expect(task.RestartPolicy).toMatchObject({ Condition: 'on-failure', MaxAttempts: 5 });
    expect(task.ContainerSpec.StopGracePeriod).toBe(20e9);
    expect(spec.Mode.Replicated.Replicas).toBe(3);
    expect(await answer('web')).toBe('hello from v3\n');
  });
});

async function swarmName(service: string): Promise<string> {
  return (JSON.parse(await ok(`spur status ${PROJECT} ${service} --json`)) as { swarmService: string }).swarmService;
}

async function taskIds(service: string): Promise<string[]> {
  return (await docker('service', 'ps', await swarmName(service), '--filter', 'desired-state=running', '--format', '{{.ID}}')).split('\n').filter(Boolean).sort();
}

async function runningTasks(service: string): Promise<number> {
  const out = await docker('service', 'ps', await swarmName(service), '--filter', 'desired-state=running', '--format', '{{.CurrentState}}');
  return out.split('\n').filter((l) => l.startsWith('Running')).length;
}
