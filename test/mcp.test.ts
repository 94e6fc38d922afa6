// The MCP server end to end, as an assistant's MCP client (the SDK's own) meets it: `spur mcp` over
// stdio, logged in with a deploy-scoped token, lists the tools, deploys a service on the real Swarm
// (the app then answers) and is refused an admin tool; /mcp over streamable HTTP with the same
// token lists the tools and the project, and refuses a request without a token.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectReadmeWalked } from './readme.js';
import { SPUR_BIN, type SpurProcess, api, cleanupProject, cli, docker, loginCli, probe, startSpur, stopAll, uniqueName, waitForDeployment } from './harness.js';

const project = uniqueName('mcp');
const IMAGE = 'spur-test/mcp-hello:1';
let spur: SpurProcess;
let ownerToken: string;
let deployToken: string;
const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;
const clients: Client[] = [];
/** The README's lines as run here, with its placeholders for this Spur's address, the project and the token. */
const walked: string[] = [];
const asReadme = (line: string) => line.replaceAll(spur.url, 'http://<server>:3000').replaceAll(project, 'shop').replaceAll(deployToken, 'spur_…');

beforeAll(async () => {
  await cleanupProject(project);
  await docker('build', '-q', '-t', IMAGE, join(__dirname, 'fixtures', 'hello-app'));
  spur = await startSpur();
  ownerToken = await loginCli(spur);
  const call = api(spur, ownerToken);
  expect((await call('POST', '/projects', { name: project })).status).toBe(201);
  expect((await call('POST', `/projects/${project}/services`, { name: 'web', image: IMAGE, port: 3000 })).status).toBe(201);
  const args = ['token', 'create', '--name', 'assistant', '--scope', 'deploy', '--project', project];
  const made = await cli(spur, args);
  expect(made.code, made.stderr).toBe(0);
  deployToken = made.stdout.trim().split('\n').at(-1)!;
  expect(deployToken).toMatch(/^spur_/);
  walked.push(asReadme(['spur', ...args].join(' ')));
}, 180_000);

afterAll(async () => {
  for (const c of clients) await c.close().catch(() => undefined);
  await stopAll({ spur }, [project]);
});

describe('the MCP server', () => {
  it('over stdio (spur mcp) with a deploy-scoped token: lists the tools, deploys, and is refused an admin tool', async () => {
    const client = new Client({ name: 'e2e', version: '1' });
    clients.push(client);
    walked.push(asReadme(`SPUR_URL=${spur.url} SPUR_TOKEN=${deployToken} spur mcp`));
    await client.connect(new StdioClientTransport({ command: SPUR_BIN, args: ['mcp'], env: { PATH: process.env.PATH ?? '', HOME: spur.dataDir, SPUR_URL: spur.url, SPUR_TOKEN: deployToken }, stderr: 'pipe' }));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['list_projects', 'service_status', 'service_logs', 'deploy', 'rollback', 'set_variables', 'create_database']));

    const deployed = await client.callTool({ name: 'deploy', arguments: { project, service: 'web' } });
    expect(deployed.isError, text(deployed)).toBeFalsy();
    const id = (deployed.structuredContent as { deployment: { id: number; status: string } }).deployment.id;
    expect((await waitForDeployment(spur, ownerToken, id)).status).toBe('active');
    const status = await client.callTool({ name: 'deployment_status', arguments: { deployment: id } });
    expect(JSON.parse(text(status)).deployment.status).toBe('active');
    const answered = await probe(`spur_${project}_production`, 'http://web:3000/');
    expect(answered.ok, answered.error).toBe(true);
    expect(answered.body).toContain('hello from VERSION_MARKER');

    const refused = await client.callTool({ name: 'create_database', arguments: { project, name: 'pg', engine: 'postgres' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toBe("this token's scope (deploy) does not allow database.create (HTTP 403)");
    expect((await api(spur, ownerToken)('GET', `/projects/${project}/databases`)).json.databases).toEqual([]);
  }, 240_000);

  it('over streamable HTTP (/mcp) with the same token: lists the tools and the project; without a token, 401', async () => {
    const client = new Client({ name: 'e2e-http', version: '1' });
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransport(new URL(`${spur.url}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${deployToken}` } } }));
    expect((await client.listTools()).tools.length).toBeGreaterThanOrEqual(11);
    const projects = await client.callTool({ name: 'list_projects', arguments: {} });
    expect(JSON.parse(text(projects)).projects.map((p: { name: string }) => p.name)).toEqual([project]);
    const services = await client.callTool({ name: 'list_services', arguments: { project } });
    expect(text(services)).toContain('"web"');
    const bare = await fetch(`${spur.url}/mcp`, { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(bare.status).toBe(401);
  });

  it('has walked the README\'s "MCP server"', () => expectReadmeWalked('MCP server', walked));
});
