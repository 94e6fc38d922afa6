// A Procfile's `web:` line, as the command a container starts with. Spur runs it without a shell
// (exec form), so the line is split into words here, quotes honoured, and shell syntax the line
// would need a shell for is refused rather than passed on. `$PORT` is the service's port. Pure.
import { PlanError } from './stacks/stack.js';

/** Outside quotes, these mean something to a shell; inside double quotes, these do. */
const SHELL_UNQUOTED = /[|&;<>()`\\*?{}[\]~$#]/;
const SHELL_DOUBLE_QUOTED = /[`\\$]/;

/** The words of the `web:` process, or undefined when the Procfile has none. */
export function procfileWeb(text: string, port: number): string[] | undefined {
  const line = text.split(/\r?\n/).find((l) => /^web\s*:/.test(l));
  if (line === undefined) return undefined;
  const words = splitWords(line.replace(/^web\s*:/, '').trim().replace(/\$\{PORT\}|\$PORT\b/g, String(port)));
  if (!words.length) throw new PlanError('Procfile: the web: line has no command');
  return words;
}

function splitWords(command: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (c === "'" || c === '"') {
      const end = command.indexOf(c, i + 1);
      if (end < 0) throw new PlanError(`Procfile: the web: line has an unclosed ${c}`);
      const quoted = command.slice(i + 1, end);
      if (c === '"' && SHELL_DOUBLE_QUOTED.test(quoted)) throw shellSyntax();
      word = (word ?? '') + quoted;
      i = end;
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      if (SHELL_UNQUOTED.test(c)) throw shellSyntax();
      word = (word ?? '') + c;
    }
  }
  if (word !== undefined) words.push(word);
  return words;
}

const shellSyntax = () => new PlanError('Procfile: the web: line uses shell syntax (pipes, &&, ;, redirections, globs, or variables other than $PORT); Spur runs it without a shell: write the plain command, or add a Dockerfile');
