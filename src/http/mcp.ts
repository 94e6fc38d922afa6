// /mcp: Spur's MCP server over streamable HTTP, for an assistant elsewhere. Stateless: each POST
// is answered by a server made for it, whose tools call the JSON API in process with the same
// token, so they may do what that token may and nothing more.
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js';
import { Hono } from 'hono';
import type { Deps } from '../deps.js';
import { MCP_USER_AGENT, spurMcpServer } from '../mcp/tools.js';
import { type AuthEnv, requireToken } from './auth.js';

/** How the routes reach the JSON API: the app's own request(), with the caller's connection. */
export type InProcess = (path: string, init: RequestInit, env: unknown) => Response | Promise<Response>;

export function mcpRoutes(deps: Deps, inProcess: InProcess): Hono<AuthEnv> {
  const mcp = new Hono<AuthEnv>();
  mcp.use('*', requireToken(deps));
  mcp.all('/', async (c) => {
    // The caller as the API sees it: its token, and the address its proxy said it came from.
    const caller = { Authorization: c.req.header('Authorization')!, ...(c.req.header('X-Forwarded-For') ? { 'X-Forwarded-For': c.req.header('X-Forwarded-For')! } : {}) };
    const server = spurMcpServer(async (method, path, body) =>
      inProcess(`/api/v1${path}`, { method, headers: { ...caller, 'User-Agent': MCP_USER_AGENT, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) }, body: body === undefined ? undefined : JSON.stringify(body) }, c.env),
    );
    const transport = new WebStandardStreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    await server.connect(transport);
    try {
      return await transport.handleRequest(c.req.raw);
    } finally {
      void server.close();
    }
  });
  return mcp;
}
