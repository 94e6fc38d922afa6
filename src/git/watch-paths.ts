// Monorepos: a push deploys a service only if a changed file lies under its root directory or
// matches one of its watch patterns. When the changed files are not known (a new branch, a host
// that does not list them), it deploys. Pure.

/** A watch pattern as a regular expression: `**` any number of directories, `*` and `?` within
 *  one path segment. A pattern without a slash matches a file name at any depth (as in .gitignore). */
export function globRegExp(pattern: string): RegExp {
  const anchored = pattern.includes('/') ? pattern.replace(/^\//, '') : `**/${pattern}`;
  let out = '';
  for (let i = 0; i < anchored.length; i++) {
    const c = anchored[i]!;
    if (c === '*' && anchored[i + 1] === '*') {
      const slash = anchored[i + 2] === '/';
      out += slash ? '(?:.*/)?' : '.*';
      i += slash ? 2 : 1;
    } else if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else out += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  // A directory pattern covers what is inside it.
  return new RegExp(`^${out}(?:/.*)?$`);
}

/** The files a push event names (GitHub, GitLab, Gitea, Forgejo: commits[].added/modified/removed);
 *  undefined when it names none. */
export function changedFilesOf(payload: { commits?: unknown }): string[] | undefined {
  if (!Array.isArray(payload.commits) || payload.commits.length === 0) return undefined;
  const files = new Set<string>();
  for (const commit of payload.commits as Record<string, unknown>[]) {
    for (const key of ['added', 'modified', 'removed']) {
      const list = commit?.[key];
      if (Array.isArray(list)) for (const f of list) if (typeof f === 'string') files.add(f);
    }
  }
  return files.size ? [...files] : undefined;
}

export type WatchDecision = { deploy: true } | { deploy: false; reason: string };

export function watchDecision(changed: string[] | undefined, rules: { rootDir: string | null; watchPaths: string[] }): WatchDecision {
  const root = rules.rootDir?.replace(/^\.\/?/, '').replace(/\/+$/, '') ?? '';
  if (!changed || (!root && !rules.watchPaths.length)) return { deploy: true };
  const patterns = rules.watchPaths.length ? rules.watchPaths : [`${root}/**`];
  const matchers = patterns.map(globRegExp);
  if (changed.some((f) => matchers.some((m) => m.test(f)))) return { deploy: true };
  const what = rules.watchPaths.length ? `its watch paths (${rules.watchPaths.join(', ')})` : `its root directory ${root}/`;
  return { deploy: false, reason: `no changed file is under ${what}` };
}
