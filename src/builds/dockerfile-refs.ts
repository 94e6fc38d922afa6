// Which images a Dockerfile asks the builder for: FROM bases, COPY/ADD --from, RUN --mount from=
// and the syntax directive, with the build's ARG values substituted as the builder would. Pure.
import { InvalidInput } from '../errors.js';
import { type DockerfileInstruction, parseDockerfile } from './dockerfile-parse.js';

export interface ImageReference {
  line: number;
  instruction: string;
  /** The reference as the builder resolves it, with the build's ARG values. */
  ref: string;
  /** The reference as the Dockerfile spells it. */
  written: string;
}

type Instruction = Pick<DockerfileInstruction, 'line' | 'keyword' | 'flags'>;

type Lookup = (name: string) => string;

/** Every image reference in a Dockerfile, resolved with the values the build really gets: a FROM
 *  reads the ARGs declared before the first FROM, each the build argument of its name when one is
 *  passed, else its default. Earlier stages named with AS (or by index) are not images and are
 *  left out. Refused, so that no builder can read a reference differently from this: variables
 *  other than $V, ${V}, ${V:-w}, ${V:+w}; a FROM variable given as a build argument but not
 *  declared before the first FROM; any variable in COPY/ADD --from or RUN --mount from= (the
 *  stage's ENV and its base image's environment would take part there). */
export function dockerfileImageReferences(text: string, buildArgs: Readonly<Record<string, string>> = {}): ImageReference[] {
  const { escape, syntax, instructions } = parseDockerfile(text);
  const refs: ImageReference[] = syntax.map(({ line, value }) => ({ line, instruction: 'syntax', ref: value, written: value }));
  const metaArgs = new Map<string, string>();
  const stages: string[] = [];
  for (const ins of instructions) {
    const { keyword, line } = ins;
    if (keyword === 'ARG' && !stages.length) {
      const lookup = metaLookup(metaArgs, buildArgs, line);
      for (const [name, value] of parseArgs(ins.args)) metaArgs.set(name, Object.hasOwn(buildArgs, name) ? buildArgs[name]! : value === undefined ? '' : expand(value, lookup, line, escape));
      continue;
    }
    if (keyword === 'FROM') {
      // Docker's parseStringsWhitespaceDelimited: IMAGE [AS NAME]; the flags are already taken off.
      const words = ins.args.split(/[\t\v\f\r ]+/).filter(Boolean);
      const written = words[0] ?? '';
      const ref = expand(written, metaLookup(metaArgs, buildArgs, line), line, escape);
      if (!stages.includes(ref.toLowerCase())) refs.push({ line, instruction: 'FROM', ref, written });
      stages.push(words[1]?.toUpperCase() === 'AS' && words[2] ? words[2].toLowerCase() : '');
      continue;
    }
    const inner = ins.trigger ?? ins;
    refs.push(...stageReferences({ ...inner, line, instruction: ins.trigger ? `ONBUILD ${inner.keyword}` : keyword }, stages, escape));
  }
  return refs;
}

/** The images a base image's ONBUILD triggers name (its Config.OnBuild); they run at the FROM
 *  line that builds on it, so they are reported there. The builder parses each trigger as a
 *  Dockerfile of its own, so it is read the same way here. */
export function onbuildImageReferences(triggers: readonly string[], line: number): ImageReference[] {
  return triggers.flatMap((trigger) => {
    const { instructions, escape } = parseDockerfile(trigger, line);
    return instructions.flatMap((ins) => {
      const inner = ins.trigger ?? ins;
      const instruction = `ONBUILD ${inner.keyword}`;
      // FROM is refused by the builder as a trigger; its image is still checked, not trusted.
      if (inner.keyword === 'FROM') {
        const written = inner.args.split(/[\t\v\f\r ]+/)[0] ?? '';
        return [{ line, instruction, ref: expand(written, () => '', line, escape), written }];
      }
      return stageReferences({ ...inner, line, instruction }, [], escape);
    });
  });
}

/** A FROM variable: an ARG declared before the first FROM. One that is not declared is empty to
 *  the builder, unless a build argument of its name is passed: builders differ there, so refused. */
function metaLookup(metaArgs: Map<string, string>, buildArgs: Readonly<Record<string, string>>, line: number): Lookup {
  return (name) => {
    if (metaArgs.has(name)) return metaArgs.get(name)!;
    if (Object.hasOwn(buildArgs, name)) throw new InvalidInput('Dockerfile', `line ${line}: $${name} is not declared by an ARG before the first FROM; declare it there to use the build variable ${name} in a FROM`);
    return '';
  };
}

/** The images COPY/ADD --from and RUN --mount from= name inside a stage, written without variables. */
function stageReferences(ins: Instruction & { instruction: string }, stages: string[], escape: string): ImageReference[] {
  const noVariables: Lookup = (name) => {
    throw new InvalidInput('Dockerfile', `line ${ins.line}: a variable ($${name}) may not name the image of ${ins.instruction} --from or --mount from=; name it in a FROM line instead (ARG ${name} before the first FROM, FROM $${name} AS ${name.toLowerCase()}, then --from=${name.toLowerCase()})`);
  };
  const refs: ImageReference[] = [];
  for (const written of fromFlags(ins.keyword, ins.flags)) {
    const ref = expand(written, noVariables, ins.line, escape);
    const earlierStage = stages.includes(ref.toLowerCase()) || (/^\d+$/.test(ref) && Number(ref) < stages.length);
    if (!earlierStage) refs.push({ line: ins.line, instruction: ins.instruction, ref, written });
  }
  return refs;
}

/** `ARG a`, `ARG a=1 b="2"`: names with their defaults (undefined when none). */
function parseArgs(args: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  const re = /([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  for (const m of args.matchAll(re)) out.push([m[1], m[2]]);
  return out;
}

/** The values of --from=… on COPY/ADD and of from=… inside RUN --mount=…, from the flags as Docker
 *  decodes them (the parser refuses quotes and escapes there, so these are the plain words). */
function fromFlags(keyword: string, flags: readonly string[]): string[] {
  const values = (name: string) => flags.filter((f) => f.toLowerCase().startsWith(`${name}=`)).map((f) => f.slice(name.length + 1));
  if (keyword === 'COPY' || keyword === 'ADD') return values('--from');
  if (keyword !== 'RUN') return [];
  return values('--mount').flatMap((mount) =>
    mount.split(',').flatMap((field) => {
      const at = field.indexOf('=');
      return at > 0 && field.slice(0, at).trim().toLowerCase() === 'from' ? [field.slice(at + 1)] : [];
    }),
  );
}

/** A word as the builder's shell-like lexer reads it: quotes removed, escapes applied, variables
 *  substituted. Anything the builder would read differently from a plain image name is refused. */
function expand(word: string, lookup: Lookup, line: number, escape: string): string {
  const unsupported = () => new InvalidInput('Dockerfile', `line ${line}: only $NAME, \${NAME}, \${NAME:-default} and \${NAME:+value} may be used in an image reference`);
  let out = '';
  let i = 0;
  const variable = (): string => {
    i++; // the $
    if (word[i] === '{') {
      const end = word.indexOf('}', i);
      if (end < 0) throw unsupported();
      const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])(.*))?$/s.exec(word.slice(i + 1, end));
      i = end + 1;
      if (!m) throw unsupported();
      const value = lookup(m[1]);
      if (m[2] === ':-') return value || expand(m[3], lookup, line, escape);
      if (m[2] === ':+') return value ? expand(m[3], lookup, line, escape) : '';
      return value;
    }
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(word.slice(i));
    if (!m) throw unsupported();
    i += m[0].length;
    return lookup(m[0]);
  };
  while (i < word.length) {
    const c = word[i];
    if (c === escape) {
      out += word[i + 1] ?? '';
      i += 2;
    } else if (c === "'") {
      const end = word.indexOf("'", i + 1);
      if (end < 0) throw unsupported();
      out += word.slice(i + 1, end);
      i = end + 1;
    } else if (c === '"') {
      i++;
      while (i < word.length && word[i] !== '"') {
        if (word[i] === escape && i + 1 < word.length) {
          out += word[i + 1];
          i += 2;
        } else if (word[i] === '$') out += variable();
        else out += word[i++];
      }
      if (word[i] !== '"') throw unsupported();
      i++;
    } else if (c === '$') out += variable();
    else out += word[i++];
  }
  return out;
}
