// A command line as the words of an exec-form command: Spur runs such commands without a shell
// (a Procfile's web: line, a pre-deploy command), so the line is split here, quotes honoured,
// `$PORT` replaced by the service's port, and syntax only a shell would understand refused
// rather than passed on. Pure.

export class ShellSyntax extends Error {}

/** Outside quotes, these mean something to a shell; inside double quotes, these do. */
const SHELL_UNQUOTED = /[|&;<>()`\\*?{}[\]~$#]/;
const SHELL_DOUBLE_QUOTED = /[`\\$]/;

export function commandWords(command: string, port: number): string[] {
  const line = command.trim().replace(/\$\{PORT\}|\$PORT\b/g, String(port));
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === "'" || c === '"') {
      const end = line.indexOf(c, i + 1);
      if (end < 0) throw new ShellSyntax(`has an unclosed ${c}`);
      const quoted = line.slice(i + 1, end);
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
  if (!words.length) throw new ShellSyntax('has no command');
  return words;
}

const shellSyntax = () => new ShellSyntax('uses shell syntax (pipes, &&, ;, redirections, globs, or variables other than $PORT); Spur runs it without a shell: write the plain command, or put the steps in a script and run that');
