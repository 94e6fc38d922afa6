// Spur as an MCP server: its actions as tools and its state as resources, each one call of the JSON
// API made with the caller's own token, so a tool can do exactly what that token may (its role,
// scope and project) and is refused the rest with the API's own words. The same server runs over
// stdio (`spur mcp`, calling the Spur the CLI is logged in to) and over streamable HTTP (`/mcp`,
// calling the API in process). Deleting tools need the name typed again, as the CLI's --yes does
// not: `confirm` must be the name of what goes.
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { VERSION } from '../version.js';

/** One request to the JSON API as the caller (path below /api/v1). */
export type ApiFetch = (method: string, path: string, body?: unknown) => Promise<Response>;

/** What an MCP client's requests say they are, to the audit log. */
export const MCP_USER_AGENT = `spur-mcp/${VERSION}`;

const enc = encodeURIComponent;
const env = (environment?: string) => (environment ? `?env=${enc(environment)}` : '');

/** A name as Spur makes them: never a path of its own (`..`) in the URL it goes into. */
const name = (says: string) => z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lowercase letters, digits and hyphens, starting with a letter').describe(says);
const Project = name('The project, e.g. shop');
const Service = name('The service, e.g. web');
const Environment = name('The environment (production when left out)').optional();

/** The API's answer as a tool's result: its JSON, or its error as the tool's error. */
async function answer(res: Response): Promise<CallToolResult> {
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {}
  if (!res.ok) {
    const error = typeof json === 'object' && json && 'error' in json ? String((json as { error: unknown }).error) : text;
    return { isError: true, content: [{ type: 'text', text: `${error} (HTTP ${res.status})` }] };
  }
  return { content: [{ type: 'text', text: JSON.stringify(json, null, 2) }], ...(json && typeof json === 'object' && !Array.isArray(json) ? { structuredContent: json as Record<string, unknown> } : {}) };
}

/** The `line` events of a finished log stream, as text. */
async function logLines(res: Response): Promise<CallToolResult> {
  if (!res.ok) return answer(res);
  const lines: string[] = [];
  for (const block of (await res.text()).split('\n\n')) {
    const event = /^event: (.*)$/m.exec(block)?.[1];
    const data = [...block.matchAll(/^data: ?(.*)$/gm)].map((m) => m[1]).join('\n');
    if (event === 'line') lines.push((JSON.parse(data) as { line: string }).line);
    else if (event === 'problem') lines.push(`(${data})`);
  }
  return { content: [{ type: 'text', text: lines.join('\n') || '(no lines)' }] };
}

export function spurMcpServer(call: ApiFetch): McpServer {
  const server = new McpServer({ name: 'spur', version: VERSION }, { instructions: "Spur deploys a team's services on its own servers. Each tool acts with the token it was given: what that token's role and scope do not allow is refused." });
  const read = { readOnlyHint: true, openWorldHint: false };
  const change = { readOnlyHint: false, destructiveHint: false, openWorldHint: false };
  const destroy = { readOnlyHint: false, destructiveHint: true, openWorldHint: false };

  server.registerTool('list_projects', { title: 'List projects', description: 'The projects this token may see, with their environments.', annotations: read }, async () => answer(await call('GET', '/projects')));
  server.registerTool(
    'list_services',
    { title: 'List services', description: "A project's services in one environment, each with its state and newest deployment.", inputSchema: { project: Project, environment: Environment }, annotations: read },
    async ({ project, environment }) => answer(await call('GET', `/projects/${enc(project)}/services${env(environment)}`)),
  );
  server.registerTool(
    'service_status',
    { title: 'Service status', description: 'A service in one environment: its state, settings, deployments and addresses.', inputSchema: { project: Project, service: Service, environment: Environment }, annotations: read },
    async ({ project, service, environment }) => answer(await call('GET', `/projects/${enc(project)}/services/${enc(service)}${env(environment)}`)),
  );
  server.registerTool(
    'service_logs',
    { title: 'Service logs', description: "The newest lines a service's running tasks printed (secrets masked).", inputSchema: { project: Project, service: Service, environment: Environment, tail: z.number().int().min(1).max(1000).optional().describe('How many lines (100 when left out)') }, annotations: read },
    async ({ project, service, environment, tail }) => logLines(await call('GET', `/projects/${enc(project)}/services/${enc(service)}/logs?tail=${tail ?? 100}${environment ? `&env=${enc(environment)}` : ''}`)),
  );
  server.registerTool(
    'deployment_status',
    { title: 'Deployment status', description: 'A deployment, with its status and steps.', inputSchema: { deployment: z.number().int().min(1).describe('The deployment id') }, annotations: read },
    async ({ deployment }) => answer(await call('GET', `/deployments/${deployment}`)),
  );
  server.registerTool(
    'deploy',
    { title: 'Deploy', description: 'Queue a deployment of the service from its source; answers the queued deployment (follow it with deployment_status). In a protected environment a developer\'s deploy becomes a request for an admin.', inputSchema: { project: Project, service: Service, environment: Environment }, annotations: change },
    async ({ project, service, environment }) => answer(await call('POST', `/projects/${enc(project)}/services/${enc(service)}/deployments${env(environment)}`)),
  );
  server.registerTool(
    'rollback',
    { title: 'Roll back', description: 'Run an earlier deployment again: the one before what serves now, or the one named.', inputSchema: { project: Project, service: Service, environment: Environment, deployment: z.number().int().min(1).optional().describe('The deployment to roll back to') }, annotations: change },
    async ({ project, service, environment, deployment }) => answer(await call('POST', `/projects/${enc(project)}/services/${enc(service)}/rollback${env(environment)}`, deployment ? { deployment } : {})),
  );
  server.registerTool(
    'set_variables',
    { title: 'Set variables', description: "Set (or, with null, remove) a service's variables; they apply with the next deploy.", inputSchema: { project: Project, service: Service, environment: Environment, variables: z.record(z.string(), z.string().nullable()).describe('NAME: value pairs; null removes one') }, annotations: change },
    async ({ project, service, environment, variables }) => answer(await call('PUT', `/projects/${enc(project)}/services/${enc(service)}/variables${env(environment)}`, { variables })),
  );
  server.registerTool(
    'create_database',
    { title: 'Create a database', description: 'A managed database in the project; Spur makes its credentials and runs it at once.', inputSchema: { project: Project, environment: Environment, name: name('Lowercase letters, digits and hyphens'), engine: z.enum(['postgres', 'mysql', 'mariadb', 'redis', 'mongodb']), version: z.string().optional().describe("The engine's image tag, e.g. 17") }, annotations: change },
    async ({ project, environment, name, engine, version }) => answer(await call('POST', `/projects/${enc(project)}/databases${env(environment)}`, { name, engine, ...(version ? { version } : {}) })),
  );
  server.registerTool(
    'delete_service',
    { title: 'Delete a service', description: 'Delete a service in every environment, with its images; its volumes are kept. Type its name again as confirm.', inputSchema: { project: Project, service: Service, confirm: z.string().describe("The service's name, typed again") }, annotations: destroy },
    async ({ project, service, confirm }) => answer(await call('DELETE', `/projects/${enc(project)}/services/${enc(service)}`, { confirm })),
  );
  server.registerTool(
    'delete_database',
    { title: 'Delete a database', description: 'Stop and remove a database; its data volume and newest backup are kept. Type its name again as confirm.', inputSchema: { project: Project, environment: Environment, name: name('The database'), confirm: z.string().describe("The database's name, typed again") }, annotations: destroy },
    async ({ project, environment, name, confirm }) => answer(await call('DELETE', `/projects/${enc(project)}/databases/${enc(name)}${env(environment)}`, { confirm })),
  );

  const resource = async (uri: URL, path: string) => {
    const res = await call('GET', path);
    const text = await res.text();
    if (!res.ok) throw new Error(`${text} (HTTP ${res.status})`);
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text }] };
  };
  server.registerResource('projects', 'spur://projects', { title: 'Projects', description: 'The projects this token may see', mimeType: 'application/json' }, (uri) => resource(uri, '/projects'));
  server.registerResource(
    'project',
    new ResourceTemplate('spur://projects/{project}', { list: undefined }),
    { title: 'A project', description: "A project's services in production, with their state", mimeType: 'application/json' },
    (uri, { project }) => resource(uri, `/projects/${enc(String(project))}/services`),
  );
  return server;
}
