// A client generated from Spur's own OpenAPI document by maintained generators (openapi-typescript
// writes the types, openapi-fetch calls with them): the program type-checks against what the
// document says, then lists projects and deploys a service on a real Swarm, and the app answers.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type SpurProcess, cleanupProject, docker, eventually, loginCli, probe, startSpur, stopAll, uniqueName } from './harness.js';

const project = uniqueName('apiclient');
const IMAGE = 'spur-test/api-client-hello:1';
// Inside the checkout, so the generated program finds openapi-fetch in node_modules; .gitignore'd.
const work = resolve(__dirname, '..', '.test-tmp', `api-client-${process.pid}`);
let spur: SpurProcess;
let token: string;

beforeAll(async () => {
  await cleanupProject(project);
  await docker('build', '-q', '-t', IMAGE, join(__dirname, 'fixtures', 'hello-app'));
  spur = await startSpur();
  token = await loginCli(spur);
  mkdirSync(work, { recursive: true });
});

afterAll(async () => {
  await stopAll({ spur }, [project]);
  rmSync(work, { recursive: true, force: true });
});

/** What the generated program exports (it is written and checked at run time). */
interface GeneratedClient {
  createProject(name: string): Promise<string>;
  listProjects(): Promise<string[]>;
  createService(project: string, name: string, image: string, port: number): Promise<string>;
  deploy(project: string, service: string): Promise<number>;
  deploymentStatus(id: number): Promise<string>;
}

const PROGRAM = `import createClient from 'openapi-fetch';
import type { paths } from './spur-api.js';

export function spurClient(baseUrl: string, token: string) {
  const client = createClient<paths>({ baseUrl, headers: { Authorization: \`Bearer \${token}\` } });
  const ok = <T>(r: { data?: T; error?: unknown; response: Response }): T => {
    if (r.data === undefined) throw new Error(\`\${r.response.status}: \${JSON.stringify(r.error)}\`);
    return r.data;
  };
  return {
    createProject: async (name: string): Promise<string> => ok(await client.POST('/projects', { body: { name } })).project.name,
    listProjects: async (): Promise<string[]> => ok(await client.GET('/projects')).projects.map((p) => p.name),
    createService: async (project: string, name: string, image: string, port: number): Promise<string> => {
      const made = ok(await client.POST('/projects/{project}/services', { params: { path: { project } }, body: { name, image, port } }));
      // A protected environment may hold the change as a request (202): the document says so.
      if (!('service' in made)) throw new Error(\`held for approval: \${made.message}\`);
      return made.service.name;
    },
    deploy: async (project: string, service: string): Promise<number> => {
      const queued = ok(await client.POST('/projects/{project}/services/{service}/deployments', { params: { path: { project, service } } }));
      if (!('deployment' in queued)) throw new Error(\`held for approval: \${queued.message}\`);
      return queued.deployment.id;
    },
    deploymentStatus: async (id: number): Promise<string> => ok(await client.GET('/deployments/{id}', { params: { path: { id: String(id) } } })).deployment.status,
  };
}
`;

it('generates a typed client from /api/v1/openapi.json that type-checks, lists projects and deploys a service', async () => {
  const types = astToString(await openapiTS(new URL(`${spur.url}/api/v1/openapi.json`)));
  writeFileSync(join(work, 'spur-api.ts'), types);
  writeFileSync(join(work, 'client.ts'), PROGRAM);
  // The program is checked against the generated types: a response the document describes wrongly
  // (no deployment.id, a project without name) fails here.
  const tsc = resolve(__dirname, '..', 'node_modules', '.bin', 'tsc');
  try {
    execFileSync(tsc, ['--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'client.ts'], { cwd: work, encoding: 'utf8' });
  } catch (err) {
    throw new Error(`the generated client does not type-check:\n${(err as { stdout?: string }).stdout}`);
  }

  const { spurClient } = (await import(join(work, 'client.ts'))) as { spurClient: (baseUrl: string, token: string) => GeneratedClient };
  const client = spurClient(`${spur.url}/api/v1`, token);
  expect(await client.createProject(project)).toBe(project);
  expect(await client.listProjects()).toContain(project);
  expect(await client.createService(project, 'web', IMAGE, 3000)).toBe('web');
  const id = await client.deploy(project, 'web');
  const status = await eventually('the deployment ends', async () => {
    const s = await client.deploymentStatus(id);
    return ['active', 'failed', 'cancelled'].includes(s) ? s : undefined;
  });
  expect(status).toBe('active');
  const answer = await probe(`spur_${project}_production`, 'http://web:3000/');
  expect(answer.body).toContain('hello');
});
