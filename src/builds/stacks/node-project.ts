// What a package.json says, shared by the Node stacks: the package manager (from the lock file),
// the Node major version (engines.node, .nvmrc, .node-version), the scripts, the dependencies,
// and the Dockerfile lines that install and build with them. Pure.
import { PlanError, type RepoSnapshot } from './stack.js';

export const DEFAULT_NODE_MAJOR = 24;

/** The files readNodeProject reads. */
export const NODE_PROJECT_FILES = ['package.json', '.nvmrc', '.node-version'];

export interface NodeProject {
  manager: 'npm' | 'pnpm' | 'yarn';
  major: string;
  scripts: Record<string, string>;
  dependencies: Set<string>;
  main?: string;
  reasons: string[];
  /** The Dockerfile lines that copy the manifests and install every dependency. */
  install: string[];
  /** The command that runs the build script. */
  buildCommand: string;
  /** The command that drops dev dependencies after the build, when the manager has one. */
  pruneCommand?: string;
}

interface PackageJson {
  scripts?: Record<string, unknown>;
  dependencies?: Record<string, unknown>;
  devDependencies?: Record<string, unknown>;
  engines?: { node?: unknown };
  main?: unknown;
  packageManager?: unknown;
}

export function readNodeProject(repo: RepoSnapshot): NodeProject | null {
  const text = repo.files.get('package.json');
  if (text === undefined) return null;
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(text) as PackageJson;
  } catch {
    throw new PlanError('package.json is not valid JSON');
  }
  if (!pkg || typeof pkg !== 'object') throw new PlanError('package.json is not a JSON object');
  const reasons = ['found package.json'];
  const scripts = Object.fromEntries(Object.entries(pkg.scripts ?? {}).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
  const dependencies = new Set([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {})]);
  const versionFile = ['.nvmrc', '.node-version'].find((f) => repo.files.has(f));
  const { major, why } = nodeMajor(pkg.engines?.node, versionFile ? { name: versionFile, text: repo.files.get(versionFile)! } : undefined);
  if (why) reasons.push(why);
  const packageManager = typeof pkg.packageManager === 'string' ? pkg.packageManager : '';
  const install = installLines(repo, packageManager, reasons);
  if (scripts.build) reasons.push('build script');
  const main = typeof pkg.main === 'string' ? pkg.main : undefined;
  return { ...install, major, scripts, dependencies, main, reasons };
}

function installLines(repo: RepoSnapshot, packageManager: string, reasons: string[]): Pick<NodeProject, 'manager' | 'install' | 'buildCommand' | 'pruneCommand'> {
  const has = (f: string) => repo.entries.has(f);
  if (has('pnpm-lock.yaml')) {
    reasons.push('found pnpm-lock.yaml');
    const pinned = /^pnpm@(\d+(?:\.\d+){0,2})(?:[+#].*)?$/.exec(packageManager)?.[1] ?? '9';
    return {
      manager: 'pnpm',
      install: [`RUN npm install -g pnpm@${pinned}`, 'COPY package.json pnpm-lock.yaml ./', 'RUN pnpm install --frozen-lockfile'],
      buildCommand: 'pnpm run build',
      pruneCommand: 'pnpm prune --prod',
    };
  }
  if (has('yarn.lock')) {
    reasons.push('found yarn.lock');
    if (/^yarn@[2-9]/.test(packageManager) || has('.yarnrc.yml')) {
      return { manager: 'yarn', install: ['RUN corepack enable', `COPY package.json yarn.lock${has('.yarnrc.yml') ? ' .yarnrc.yml' : ''} ./`, 'RUN yarn install --immutable'], buildCommand: 'yarn run build' };
    }
    return { manager: 'yarn', install: ['COPY package.json yarn.lock ./', 'RUN yarn install --frozen-lockfile'], buildCommand: 'yarn run build' };
  }
  const lock = ['package-lock.json', 'npm-shrinkwrap.json'].find(has);
  if (lock) reasons.push(`found ${lock}`);
  return {
    manager: 'npm',
    install: lock ? [`COPY package.json ${lock} ./`, 'RUN npm ci'] : ['COPY package.json ./', 'RUN npm install'],
    buildCommand: 'npm run build',
    pruneCommand: 'npm prune --omit=dev',
  };
}

/** The Node major version to build with: engines.node (the highest major a range allows, or the
 *  default when the range is open above and allows it), else .nvmrc/.node-version, else the
 *  default. Pure. */
export function nodeMajor(engines: unknown, versionFile?: { name: string; text: string }): { major: string; why?: string } {
  if (typeof engines === 'string' && engines.trim()) {
    // The range is quoted in the written Dockerfile's comment: one line of range characters only.
    if (!NODE_RANGE.test(engines)) throw new PlanError(`package.json engines.node ${JSON.stringify(engines)} is not a version range (digits, letters, . * ^ ~ < > = - / ||, spaces)`);
    const majors = engines.split('||').map((alt) => rangeMajor(alt.trim())).filter((m) => m !== undefined);
    if (majors.length) return { major: checkedMajor(String(Math.max(...majors))), why: `engines.node ${engines.trim()}` };
  }
  const fromFile = /^v?(\d+)/.exec(versionFile?.text.trim() ?? '')?.[1];
  if (fromFile) return { major: checkedMajor(fromFile), why: `Node ${fromFile} from ${versionFile!.name}` };
  return { major: String(DEFAULT_NODE_MAJOR) };
}

const NODE_RANGE = /^[0-9A-Za-z.*^~<>=|/ -]{1,100}$/;

/** The major version names an image tag: a few digits, nothing else. */
function checkedMajor(major: string): string {
  if (!/^\d{1,3}$/.test(major)) throw new PlanError(`Node version ${major} is not a major version Spur can build with`);
  return major;
}

function rangeMajor(range: string): number | undefined {
  if (range === '*' || range === 'x' || range === 'latest' || range === 'lts') return DEFAULT_NODE_MAJOR;
  const n = /(\d+)/.exec(range)?.[1];
  if (!n) return undefined;
  const major = Number(n);
  // ">=18" (no upper bound): the default when it is at least that.
  if (/^>=?\s*\d/.test(range) && !/<|\s\d/.test(range.replace(/^>=?\s*/, ''))) return Math.max(major, DEFAULT_NODE_MAJOR);
  return major;
}

/** A package.json `main` or a start file given as a path inside the repository. */
export function checkedEntryFile(path: string, field: string): string {
  if (!/^(?:\.\/)?[\w@][\w@.\-/]*$/.test(path) || path.split('/').includes('..')) throw new PlanError(`${field} ${JSON.stringify(path)} is not a plain relative path`);
  return path.replace(/^\.\//, '');
}

/** The one RUN line after the sources are copied: the build script, then the dev dependencies
 *  dropped (one step: each RUN is a container of its own); none when there is nothing to run. */
export function buildAndPruneLine(project: NodeProject, build: boolean): string[] {
  const commands = [...(build && project.scripts.build ? [project.buildCommand] : []), ...(project.pruneCommand ? [project.pruneCommand] : [])];
  return commands.length ? [`RUN ${commands.join(' && ')}`] : [];
}
