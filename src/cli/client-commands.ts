// Every client command (`spur <command> …` after `spur login`), by its first word: each talks to a
// Spur server through its JSON API, and with --json prints the API's answer as it came.
import { commands as basicCommands } from './commands.js';
import { rolloutCommands } from './rollout-commands.js';
import { jobCommands } from './job-commands.js';
import { eventCommands } from './event-commands.js';
import { mcpCommands } from './mcp-command.js';
import { previewCommands } from './preview-commands.js';
import { accessCommands } from './access-commands.js';
import { requestCommands } from './request-commands.js';
import { auditCommands } from './audit-commands.js';
import { gitCommands } from './git-commands.js';
import { domainCommands } from './domain-commands.js';
import { databaseCommands } from './database-commands.js';
import { volumeCommands } from './volume-commands.js';
import { composeCommands } from './compose-commands.js';
import { templateCommands } from './template-commands.js';
import { nodeCommands } from './node-commands.js';
import { buildCommands } from './build-commands.js';
import { ssoCommands } from './sso-commands.js';
import type { CliIo } from './shared.js';

export const clientCommands: Record<string, (argv: string[], io: CliIo) => Promise<void>> = { ...basicCommands, ...rolloutCommands, ...gitCommands, ...accessCommands, ...requestCommands, ...auditCommands, ...domainCommands, ...databaseCommands, ...volumeCommands, ...composeCommands, ...templateCommands, ...jobCommands, ...eventCommands, ...mcpCommands, ...previewCommands, ...nodeCommands, ...buildCommands, ...ssoCommands };
