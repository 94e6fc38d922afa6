// `spur mcp`: Spur as an MCP server over stdio, for an assistant on this machine. Each tool calls
// the Spur the CLI is logged in to, with its token (or SPUR_URL and SPUR_TOKEN): a deploy-scoped
// token makes an assistant that can deploy and read, and nothing more.
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { MCP_USER_AGENT, spurMcpServer } from '../mcp/tools.js';
import { CliError, loadLogin } from './client.js';
import { type CliIo, args } from './shared.js';

async function mcp(argv: string[], io: CliIo) {
  const { positionals } = args(argv, {});
  if (positionals.length) throw new CliError('usage: spur mcp   (an MCP server on standard input and output)', 2);
  const login = loadLogin(io.env);
  const base = `${login.url.replace(/\/$/, '')}/api/v1`;
  const server = spurMcpServer((method, path, body) =>
    fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${login.token}`, 'User-Agent': MCP_USER_AGENT, ...(body === undefined ? {} : { 'Content-Type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    }),
  );
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => (transport.onclose = resolve));
  await server.connect(transport);
  // The client closing our input is the end of the session.
  process.stdin.once('end', () => void server.close());
  await closed;
}

export const mcpCommands = { mcp };
