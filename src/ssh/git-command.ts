// Reads the command an SSH client asks Spur's SSH server to run. Only git's receive-pack (push)
// and upload-pack (fetch, clone) of an existing `<project>/<service>` are allowed. Pure.
import { InvalidInput } from '../errors.js';
import { resourceName } from '../validate.js';

export interface GitCommand {
  program: 'git-receive-pack' | 'git-upload-pack';
  project: string;
  service: string;
}

export type ParsedCommand = { ok: true; command: GitCommand } | { ok: false; message: string };

const COMMAND = /^(git-receive-pack|git-upload-pack|git receive-pack|git upload-pack) '([^'\\]*)'$/;

export function parseGitCommand(line: string): ParsedCommand {
  const match = COMMAND.exec(line.trim());
  if (!match) return { ok: false, message: 'Spur runs only git push and git fetch here; there is no shell' };
  const program = match[1].replace(' ', '-') as GitCommand['program'];
  const parts = match[2].replace(/^\/+/, '').replace(/\/+$/, '').replace(/\.git$/, '').split('/');
  if (parts.length !== 2) return { ok: false, message: 'the repository path must be <project>/<service>' };
  try {
    return { ok: true, command: { program, project: resourceName('project', parts[0]), service: resourceName('service', parts[1]) } };
  } catch (err) {
    if (err instanceof InvalidInput) return { ok: false, message: `the repository path must be <project>/<service> (${err.message})` };
    throw err;
  }
}
