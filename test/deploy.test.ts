// End to end: git → build → Swarm, through the API and through the CLI, against the real daemon.
import { describe, expect, it } from 'vitest';
import { type GitServer, createRepo, helloAppFiles } from './fixtures/git-server.js';
import { type SpurProcess, api, cli, docker, probe, uniqueName, waitForDeployment as waitFor } from './harness.js';
import { useGitStack } from './fixtures/git-stack.js';
import { answerProblems } from './api-answers.js';

let git: GitServer;
let spur: SpurProcess;
let token: string;
const projects: string[] = [];

useGitStack((s) => ({ git, spur, token } = s), { projects });

const waitForDeployment = (id: number) => waitFor(spur, token, id);

/** A fresh project name (its Docker objects cleaned up after the file) and its own repository. */
function newRepo(prefix: string) {
  const project = uniqueName(prefix);
  projects.push(project);
  return { project, repo: createRepo(git, `${project}.git`) };
}

/** Creates the project and its service web, built from `repo`, with the CLI. */
async function createWeb(project: string, repo: { url: string }) {
  await cli(spur, ['project', 'create', project]);
  await cli(spur, ['service', 'create', project, 'web', '--git', repo.url]);
}

describe('deploying from git', () => {
  it('builds and runs a service through the API; it answers on its project network', async () => {
    const { project, repo } = newRepo('api');
    const app = helloAppFiles('v1');
    // .dockerignore is honoured: the ignored file never reaches the build context.
    const dockerfile = app.Dockerfile.replace('COPY server.js /app/server.js', 'COPY . /app/\nRUN test -e /app/server.js && test ! -e /app/notes.txt');
    const sha = repo.commit({ ...app, Dockerfile: dockerfile, '.dockerignore': 'notes.txt\n', 'notes.txt': 'not for the image' }, 'first version');
    const call = api(spur, token);

    expect((await call('POST', '/projects', { name: project })).status).toBe(201);
    expect((await call('POST', `/projects/${project}/services`, { name: 'web', git: repo.url, branch: 'main', port: 3000 })).status).toBe(201);
    const created = await call('POST', `/projects/${project}/services/web/deployments`);
    expect(created.status).toBe(202);
    const deployment = await waitForDeployment(created.json.deployment.id);
    expect(deployment).toMatchObject({ status: 'active', commitSha: sha, commitMessage: 'first version', });
    expect(deployment.imageTag).toMatch(new RegExp(`^spur/${project}/web:${deployment.id}-[0-9a-f]{12}$`));

    const status = (await call('GET', `/projects/${project}/services/web`)).json;
    expect(status).toMatchObject({ swarmService: `spur_${project}_web_production`, network: `spur_${project}_production`, internalUrl: 'http://web:3000', publicUrls: [`http://web-${project}.spur.test`] });

    const answer = await probe(status.network, 'http://web:3000/');
    expect(answer.body).toBe('hello from v1\n');

    // What Spur asked Swarm for: DNS round-robin, both networks, the PORT variable, ownership and routing labels.
    const inspected = JSON.parse(await docker('service', 'inspect', status.swarmService))[0].Spec;
    expect(inspected.EndpointSpec.Mode).toBe('dnsrr');
    expect(inspected.Labels).toMatchObject({ 'spur.managed': 'true', 'spur.project': project, 'traefik.enable': 'true', [`traefik.http.routers.spur_${project}_web_production.rule`]: `Host(\`web-${project}.spur.test\`)` });
    expect(inspected.TaskTemplate.ContainerSpec.Env).toContain('PORT=3000');
  });

  it('deploys through the CLI, streams the build log, and applies variables on redeploy', async () => {
    const { project, repo } = newRepo('cli');
    repo.commit(helloAppFiles('v1'), 'cli first');

    expect((await cli(spur, ['project', 'create', project])).code).toBe(0);
    const svc = await cli(spur, ['service', 'create', project, 'app', '--git', repo.url, '--branch', 'main', '--port', '8080']);
    expect(svc.code, svc.stderr).toBe(0);

    const first = await cli(spur, ['deploy', project, 'app']);
    expect(first.code, first.stderr + first.stdout).toBe(0);
    expect(first.stdout, first.stdout).toMatch(/Step 1\/\d+ : FROM spur-test\/node:bookworm/);
    expect(first.stdout).toMatch(/Commit [0-9a-f]{12}: cli first/);
    expect(first.stdout).toMatch(/is active/);
    const network = `spur_${project}_production`;
    expect((await probe(network, 'http://app:8080/')).body).toBe('hello from v1\n');

    const set = await cli(spur, ['vars', 'set', project, 'app', 'GREETING=howdy', 'API_SECRET=s3cr3t-value']);
    expect(set.code, set.stderr).toBe(0);
    expect(set.stdout).not.toContain('s3cr3t-value');
    expect((await probe(network, 'http://app:8080/')).body).toBe('hello from v1\n');

    const second = await cli(spur, ['deploy', project, 'app', '--json']);
    expect(second.code, second.stderr).toBe(0);
    // --json: the API's answer for the deployment at its end, as the OpenAPI document describes it.
    expect(JSON.parse(second.stdout).deployment).toMatchObject({ status: 'active' });
    expect(answerProblems('GET /deployments/:id', { status: 200, text: second.stdout })).toEqual([]);
    expect((await probe(network, 'http://app:8080/')).body).toBe('howdy from v1\n');

    const status = await cli(spur, ['status', project, 'app']);
    expect(status.stdout).toContain(`Swarm service:  spur_${project}_app_production`);
    expect(status.stdout).toContain('Internal URL:   http://app:8080');
    expect(status.stdout).toMatch(/Serving:\s+#\d+ active/);
    expect(status.stdout).not.toContain('Latest attempt');
    expect(status.stdout).toContain('Replicas:       1 of 1 running');

    const list = JSON.parse((await cli(spur, ['deployments', project, 'app', '--json'])).stdout).deployments;
    expect(list.map((d: { status: string }) => d.status)).toEqual(['active', 'superseded']);

    const logs = await cli(spur, ['logs', project, 'app', '--tail', '50']);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('hello-app v1 listening on 8080');
    expect(logs.stdout).toContain('request GET /');
  });

  it('records a failed deployment with the build error when the Dockerfile is broken', async () => {
    const { project, repo } = newRepo('bad');
    repo.commit({ Dockerfile: 'FROM spur-test/node:bookworm\nRUN echo "about to fail" && exit 3\n' }, 'broken build');
    await createWeb(project, repo);

    const result = await cli(spur, ['deploy', project, 'web']);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('about to fail');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^spur: deployment \d+ failed: build failed: .*returned a non-zero code: 3/);

    const call = api(spur, token);
    const [deployment] = (await call('GET', `/projects/${project}/services/web/deployments`)).json.deployments;
    expect(deployment.status).toBe('failed');
    expect(deployment.failureReason).toMatch(/non-zero code: 3/);
    const stored = await fetch(`${spur.url}/api/v1/deployments/${deployment.id}/events`, { headers: { Authorization: `Bearer ${token}` } }).then((r) => r.text());
    expect(stored).toContain('about to fail');
    expect(stored).toContain('"status":"failed"');
    expect(await docker('service', 'ls', '-q', '--filter', `name=spur_${project}_web_production`)).toBe('');
  });

  it('fails a deployment whose process exits, with the reason from Swarm', async () => {
    const { project, repo } = newRepo('crash');
    repo.commit({ Dockerfile: 'FROM spur-test/node:bookworm\nCMD ["node", "-e", "console.log(\'boom\'); process.exit(7)"]\n' }, 'crashes at start');
    await createWeb(project, repo);
    const result = await cli(spur, ['deploy', project, 'web']);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^spur: deployment \d+ failed: Your app exited with code 7 right after starting: boom\. Nothing serves yet\.$/);
    // Nothing served before, so no crash-looping service is left behind.
    expect(await docker('service', 'ls', '-q', '--filter', `name=spur_${project}_web_production`)).toBe('');
  });

  it("uses the image's own HEALTHCHECK by default: a version it calls unhealthy never becomes active", async () => {
    const { project, repo } = newRepo('hc');
    const healthcheck = `HEALTHCHECK --interval=1s --timeout=2s --retries=2 CMD ["node", "-e", "require('http').get('http://127.0.0.1:3000/health', (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]\nCMD`;
    const withCheck = (files: Record<string, string>) => ({ ...files, Dockerfile: files.Dockerfile.replace('CMD', healthcheck) });
    repo.commit(withCheck(helloAppFiles('sick', { unhealthy: true })), 'answers 500 on /health');
    await createWeb(project, repo);
    const sick = await cli(spur, ['deploy', project, 'web']);
    expect(sick.code).toBe(1);
    expect(sick.stdout).toContain("health check: the image's HEALTHCHECK (node -e");
    expect(sick.stdout).toContain('(automatic)');
    expect(sick.stderr).toMatch(/^spur: deployment \d+ failed: The new version .*\. Nothing serves yet\.$/m);

    repo.commit(withCheck(helloAppFiles('well')), 'healthy');
    const well = await cli(spur, ['deploy', project, 'web']);
    expect(well.code, well.stderr).toBe(0);
    expect((await probe(`spur_${project}_production`, 'http://web:3000/')).body).toBe('hello from well\n');
    const spec = JSON.parse(await docker('service', 'inspect', `spur_${project}_web_production`))[0].Spec;
    expect(spec.TaskTemplate.ContainerSpec.HealthCheck).toBeUndefined();
  });

  it('masks a rotated secret in runtime logs before the next deploy, and a rollback restores the variables it ran with', async () => {
    const { project, repo } = newRepo('rot');
    const printsToken = (version: string) => {
      const files = helloAppFiles(version);
      return { ...files, 'server.js': files['server.js'].replace('console.log(`hello-app', 'console.log(`token=${process.env.API_TOKEN}`);\nconsole.log(`hello-app') };
    };
    repo.commit(printsToken('r1'), 'r1');
    await createWeb(project, repo);
    await cli(spur, ['vars', 'set', project, 'web', 'API_TOKEN=first-secret-value', 'GREETING=howdy']);
    expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
    await cli(spur, ['vars', 'set', project, 'web', 'API_TOKEN=second-secret-value', 'GREETING=hiya']);
    const logs = await cli(spur, ['logs', project, 'web', '--tail', '50']);
    expect(logs.stdout).toContain('token=••••••');
    expect(logs.stdout).not.toContain('first-secret-value');

    repo.commit(printsToken('r2'), 'r2');
    expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
    const network = `spur_${project}_production`;
    expect((await probe(network, 'http://web:3000/')).body).toBe('hiya from r2\n');
    const rollback = await cli(spur, ['rollback', project, 'web']);
    expect(rollback.code, rollback.stderr).toBe(0);
    expect(rollback.stdout).toMatch(/Restoring the variables deployment \d+ ran with/);
    expect((await probe(network, 'http://web:3000/')).body).toBe('howdy from r1\n');
    expect((await probe(network, 'http://web:3000/env')).body).toBe('{"GREETING":"howdy"}\n');
    // Run r1 once more by number; then a plain rollback skips the earlier deployments of r1's
    // image (which would change nothing) and goes back to r2.
    const list = JSON.parse((await cli(spur, ['deployments', project, 'web', '--json'])).stdout).deployments as { id: number; commitMessage: string; rollbackOf: number | null }[];
    const r1 = list.find((d) => d.commitMessage === 'r1' && d.rollbackOf === null)!;
    const byNumber = await cli(spur, ['rollback', project, 'web', String(r1.id), '--json']);
    expect(byNumber.code, byNumber.stderr).toBe(0);
    expect(JSON.parse(byNumber.stdout).deployment).toMatchObject({ status: 'active', rollbackOf: r1.id });
    expect(answerProblems('GET /deployments/:id', { status: 200, text: byNumber.stdout })).toEqual([]);
    const again = await cli(spur, ['rollback', project, 'web']);
    expect(again.code, again.stderr).toBe(0);
    expect((await probe(network, 'http://web:3000/')).body).toBe('hiya from r2\n');
  });

  it('shows the runtime logs of the version that serves, in time order, each line with its task; --tail counts all lines', async () => {
    const { project, repo } = newRepo('logs');
    repo.commit(helloAppFiles('old'), 'old');
    await createWeb(project, repo);
    await cli(spur, ['scale', project, 'web', '2']);
    expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
    repo.commit(helloAppFiles('new'), 'new');
    expect((await cli(spur, ['deploy', project, 'web'])).code).toBe(0);
    const network = `spur_${project}_production`;
    for (let i = 0; i < 6; i++) await probe(network, `http://web:3000/n${i}`);

    const tail = await cli(spur, ['logs', project, 'web', '--tail', '3']);
    expect(tail.code, tail.stderr).toBe(0);
    const lines = tail.stdout.trim().split('\n');
    expect(lines).toHaveLength(3);
    for (const l of lines) expect(l).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z web\.[12] request GET \/n[345]$/);
    expect([...lines].sort()).toEqual(lines);

    const serving = (await cli(spur, ['logs', project, 'web', '--tail', '100'])).stdout;
    expect(serving).toContain('hello-app new listening on 3000');
    expect(serving).not.toContain('hello-app old listening');
    expect((await cli(spur, ['logs', project, 'web', '--tail', '100', '--all'])).stdout).toMatch(/web\.\d#\d+ \(\w+\) hello-app old listening on 3000/);
  });

  it('refuses a Dockerfile that is a symlink out of the repository', async () => {
    const { project, repo } = newRepo('sym');
    repo.commit({ 'README.md': 'x' }, 'init');
    const { symlinkSync } = await import('node:fs');
    symlinkSync('/etc/passwd', `${repo.dir}/Dockerfile`);
    repo.commit({}, 'add symlinked Dockerfile');
    await createWeb(project, repo);
    const result = await cli(spur, ['deploy', project, 'web']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Dockerfile path: points outside the repository/);
  });

  it('keeps projects apart: a service cannot reach another project by name or project-network address', async () => {
    const [a, b] = [uniqueName('iso'), uniqueName('iso')];
    projects.push(a, b);
    const call = api(spur, token);
    for (const p of [a, b]) {
      const repo = createRepo(git, `${p}.git`);
      repo.commit(helloAppFiles(p), 'app');
      await call('POST', '/projects', { name: p });
      await call('POST', `/projects/${p}/services`, { name: 'web', git: repo.url });
      const d = await call('POST', `/projects/${p}/services/web/deployments`);
      expect((await waitForDeployment(d.json.deployment.id)).status).toBe('active');
    }
    expect((await probe(`spur_${a}_production`, 'http://web:3000/')).body).toBe(`hello from ${a}\n`);
    expect((await probe(`spur_${b}_production`, 'http://web:3000/')).body).toBe(`hello from ${b}\n`);

    const taskIp = async (project: string) => {
      const container = await docker('ps', '-q', '--filter', `label=com.docker.swarm.service.name=spur_${project}_web_production`);
      const nets = JSON.parse(await docker('inspect', container.split('\n')[0]))[0].NetworkSettings.Networks;
      return nets[`spur_${project}_production`].IPAddress as string;
    };
    // By address: A's project-network address is not reachable from B's network. (On some hosts
    // an egress proxy answers any outbound connection, so assert on A's answer, not on an error.)
    const crossIp = await probe(`spur_${b}_production`, `http://${await taskIp(a)}:3000/`, 2);
    expect(crossIp.body).not.toContain(`hello from ${a}`);
    // By name: A's Swarm service name does not resolve on B's network.
    const crossName = await probe(`spur_${b}_production`, `http://spur_${a}_web_production:3000/`, 2);
    expect(crossName.ok).toBe(false);
    expect(crossName.error).toMatch(/ENOTFOUND|EAI_AGAIN/);
  });
});
