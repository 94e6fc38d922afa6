// App tier: the MCP server over streamable HTTP, driven by the SDK's own client: it lists Spur's
// tools with their schemas, acts with the caller's token only (a deploy-scoped token reads and is
// refused an admin tool with the API's words), a deleting tool needs the name typed again, and
// no token is no session. Over stdio with a real deploy: test/mcp.test.ts.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { shopWithWeb } from '../../test/app-fixture.js';

const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close();
});

async function connect(t: Awaited<ReturnType<typeof shopWithWeb>>, token: string) {
  const client = new Client({ name: 'test', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL('http://localhost/mcp'), {
    requestInit: { headers: { Authorization: `Bearer ${token}` } },
    fetch: (url, init) => Promise.resolve(t.app.request(String(url), init as RequestInit)),
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}
const text = (r: unknown) => ((r as CallToolResult).content[0] as { text: string }).text;

describe('the MCP server over HTTP', () => {
  it("lists Spur's tools and resources, each tool with its input schema and whether it changes or deletes", async () => {
    const t = await shopWithWeb();
    const client = await connect(t, t.tokens.owner);
    const { tools } = await client.listTools();
    expect(tools.map((x) => x.name).sort()).toEqual(['create_database', 'delete_database', 'delete_service', 'deploy', 'deployment_status', 'list_projects', 'list_services', 'rollback', 'service_logs', 'service_status', 'set_variables']);
    const deploy = tools.find((x) => x.name === 'deploy')!;
    expect(deploy.inputSchema.required).toEqual(['project', 'service']);
    expect(deploy.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(tools.find((x) => x.name === 'delete_service')!.annotations).toMatchObject({ destructiveHint: true });
    const projects = await client.readResource({ uri: 'spur://projects' });
    expect(JSON.parse((projects.contents[0] as { text: string }).text).projects.map((p: { name: string }) => p.name)).toEqual(['shop']);
    const services = await client.readResource({ uri: 'spur://projects/shop' });
    expect((services.contents[0] as { text: string }).text).toContain('"web"');
  });

  it("acts with the caller's token: a deploy-scoped one reads, and is refused what needs an admin, with the API's words", async () => {
    const t = await shopWithWeb();
    const made = await t.call('owner', 'POST', '/tokens', { name: 'assistant', scope: 'deploy', project: 'shop' });
    expect(made.status).toBe(201);
    const client = await connect(t, made.json.token.token);
    const listed = await client.callTool({ name: 'list_projects', arguments: {} });
    expect(listed.isError).toBeFalsy();
    expect(JSON.parse(text(listed)).projects[0].name).toBe('shop');
    const refused = await client.callTool({ name: 'create_database', arguments: { project: 'shop', name: 'pg', engine: 'postgres' } });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toBe("this token's scope (deploy) does not allow database.create (HTTP 403)");
    // The audit log names the door.
    expect(await t.deps.db.selectFrom('audit_entries').select(['via', 'outcome']).where('action', '=', 'database.create').execute()).toEqual([{ via: 'mcp', outcome: 'refused' }]);
    const variables = await client.callTool({ name: 'set_variables', arguments: { project: 'shop', service: 'web', variables: { A: '1' } } });
    expect(variables.isError).toBe(true);
    expect(await t.deps.db.selectFrom('databases').select('id').execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('variables').select('key').execute()).toEqual([]);
  });

  it('deletes a service only once its name is typed again as confirm', async () => {
    const t = await shopWithWeb();
    const client = await connect(t, t.tokens.owner);
    const wrong = await client.callTool({ name: 'delete_service', arguments: { project: 'shop', service: 'web', confirm: 'wbe' } });
    expect(wrong.isError).toBe(true);
    expect(text(wrong)).toMatch(/^confirm: type the name \(web\) to confirm.*\(HTTP 400\)$/);
    expect(await t.deps.db.selectFrom('services').select('name').execute()).toEqual([{ name: 'web' }]);
    // A name is never a path of its own: `..` would make DELETE /api/v1/projects/shop/.
    const dots = await client.callTool({ name: 'delete_service', arguments: { project: 'shop', service: '..', confirm: '..' } }).catch((err: Error) => ({ isError: true, content: [{ type: 'text', text: err.message }] }));
    expect(dots.isError).toBe(true);
    expect(text(dots)).toMatch(/lowercase letters, digits and hyphens/);
  });

  it('answers no session without a token', async () => {
    const t = await shopWithWeb();
    const res = await t.app.request('/mcp', { method: 'POST', headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' }, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'missing API token (Authorization: Bearer …)' });
  });
});
