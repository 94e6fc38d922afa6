// A Procfile's `web:` line, as the words of the command a container starts with (see
// command-words.ts: no shell). Pure.
import { ShellSyntax, commandWords } from '../command-words.js';
import { PlanError } from './stacks/stack.js';

/** Its name in the root directory: any stack's start command gives way to its web: line. */
export const PROCFILE = 'Procfile';

/** The words of the `web:` process, or undefined when the Procfile has none. */
export function procfileWeb(text: string, port: number): string[] | undefined {
  const line = text.split(/\r?\n/).find((l) => /^web\s*:/.test(l));
  if (line === undefined) return undefined;
  try {
    return commandWords(line.replace(/^web\s*:/, ''), port);
  } catch (err) {
    if (err instanceof ShellSyntax) throw new PlanError(`Procfile: the web: line ${err.message}`);
    throw err;
  }
}
