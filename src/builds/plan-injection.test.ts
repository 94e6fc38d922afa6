// Nothing a repository says adds a line to the Dockerfile Spur writes: every field that reaches
// it is either of a strict shape or refused with a build error naming the field.
import { describe, expect, it } from 'vitest';
import { planBuild } from './plan.js';
import { PlanError, type BaseImages, type RepoSnapshot } from './stacks/stack.js';

const images: BaseImages = { node: 'node:{version}-slim', python: 'python:{version}-slim', go: 'golang:{version}', goRuntime: 'gcr.io/distroless/static-debian12', staticServer: 'busybox:1.37' };
const input = { images, port: 3000 };

function repo(files: Record<string, string>, cmdDirs: string[] = []): RepoSnapshot {
  return { entries: new Set(Object.keys(files)), files: new Map(Object.entries(files)), cmdDirs };
}

/** The instructions of a Dockerfile as Docker reads them: comments dropped, a line ending in `\`
 *  joined with the next, each instruction as its whole text. */
function instructions(dockerfile: string): string[] {
  const out: string[] = [];
  let pending: string | undefined;
  for (const raw of dockerfile.split('\n')) {
    const line = raw.replace(/\r$/, '').trim();
    if (line.startsWith('#') || (line === '' && pending === undefined)) continue;
    const text = (pending ?? '') + line;
    if (text.endsWith('\\')) pending = text.slice(0, -1);
    else {
      pending = undefined;
      if (text) out.push(text);
    }
  }
  if (pending) out.push(pending);
  return out;
}

const words = (dockerfile: string) => instructions(dockerfile).map((i) => i.split(/\s+/)[0]!.toUpperCase());

/** What a hostile value tries: a new instruction on a new line, or a trailing `\` that joins the
 *  next line onto the one the value is in. */
const HOSTILE = ['\nRUN touch /pwned', '\r\nRUN touch /pwned', ' \\', '\\', '\u2028RUN touch /pwned'];

/** Either refused with a PlanError naming `field`, or the same instructions as `clean` (same
 *  keywords, and no instruction mentioning the injected command). */
function expectNoInjection(plan: () => string, clean: string, field: RegExp) {
  let written: string;
  try {
    written = plan();
  } catch (err) {
    expect(err).toBeInstanceOf(PlanError);
    expect((err as Error).message).toMatch(field);
    return;
  }
  expect(words(written)).toEqual(words(clean));
  expect(instructions(written).filter((i) => i.includes('pwned') && !i.startsWith('CMD '))).toEqual([]);
  expect(written.split('\n').filter((l) => l.endsWith('\\'))).toEqual([]);
}

const nodeRepo = (pkg: Record<string, unknown>, extra: Record<string, string> = {}) => repo({ 'package.json': JSON.stringify({ scripts: { start: 'node a.js' }, ...pkg }), ...extra });

describe('values from a repository in the written Dockerfile', () => {
  it('package.json engines.node: a newline or a trailing \\ is refused, naming the field', () => {
    const clean = planBuild(nodeRepo({ engines: { node: '20.x' } }), input).dockerfile;
    for (const bad of HOSTILE) {
      expectNoInjection(() => planBuild(nodeRepo({ engines: { node: `20.x${bad}` } }), input).dockerfile, clean, /engines\.node/);
      expect(() => planBuild(nodeRepo({ engines: { node: `20.x${bad}` } }), input), JSON.stringify(bad)).toThrow(/package\.json engines\.node "[\s\S]*" is not a version range/);
    }
    // The review's case, exactly: a FROM line of the repository's choosing.
    expect(() => planBuild(nodeRepo({ engines: { node: '20\nFROM spur/other:latest\nRUN cat /secret' } }), input)).toThrow(PlanError);
    // Ordinary ranges are still read.
    expect(planBuild(nodeRepo({ engines: { node: '>=18 <21 || ^20.1.0' } }), input).reasons).toContain('engines.node >=18 <21 || ^20.1.0');
    expect(planBuild(nodeRepo({ engines: { node: 'lts/*' } }), input).dockerfile).toContain('FROM node:24-slim AS build');
  });

  it('package.json engines.node: a version too long for an image tag is refused', () => {
    expect(() => planBuild(nodeRepo({ engines: { node: '99999999999999999999999' } }), input)).toThrow(/Node version/);
  });

  it('.nvmrc and .node-version: only the digits of the major version are used', () => {
    const clean = planBuild(nodeRepo({}, { '.nvmrc': '20' }), input).dockerfile;
    for (const file of ['.nvmrc', '.node-version']) {
      for (const bad of HOSTILE) expectNoInjection(() => planBuild(nodeRepo({}, { [file]: `20${bad}` }), input).dockerfile, clean, new RegExp(file));
    }
  });

  it('packageManager (the pnpm version): only a plain version reaches the RUN line', () => {
    const clean = planBuild(nodeRepo({ packageManager: 'pnpm@9.12.1' }, { 'pnpm-lock.yaml': '' }), input).dockerfile;
    for (const bad of HOSTILE) {
      const plan = () => planBuild(nodeRepo({ packageManager: `pnpm@9.12.1${bad}` }, { 'pnpm-lock.yaml': '' }), input).dockerfile;
      expectNoInjection(plan, clean, /packageManager/);
      expect(plan()).toContain('RUN npm install -g pnpm@9\n');
    }
  });

  it('package.json main: refused unless a plain relative path', () => {
    const clean = planBuild(repo({ 'package.json': JSON.stringify({ main: 'server.js' }) }), input).dockerfile;
    for (const bad of HOSTILE) {
      expectNoInjection(() => planBuild(repo({ 'package.json': JSON.stringify({ main: `server.js${bad}` }) }), input).dockerfile, clean, /main/);
    }
  });

  it('pyproject.toml requires-python: a newline or a trailing \\ is refused, naming the field', () => {
    const py = (requires: string) => repo({ 'pyproject.toml': `[project]\nrequires-python = "${requires}"\n`, 'main.py': '' });
    const clean = planBuild(py('==3.11.*'), input).dockerfile;
    for (const bad of HOSTILE) {
      expectNoInjection(() => planBuild(py(`==3.11${bad}`), input).dockerfile, clean, /requires-python/);
      expect(() => planBuild(py(`==3.11${bad}`), input), JSON.stringify(bad)).toThrow(/pyproject\.toml requires-python "[\s\S]*" is not a version specifier/);
    }
    expect(planBuild(py('~=3.12, !=3.12.1'), input).reasons).toContain('requires-python ~=3.12, !=3.12.1');
  });

  it('.python-version and runtime.txt: only the digits of the version are used', () => {
    const clean = planBuild(repo({ 'requirements.txt': '', 'main.py': '', '.python-version': '3.12' }), input).dockerfile;
    for (const bad of HOSTILE) {
      expectNoInjection(() => planBuild(repo({ 'requirements.txt': '', 'main.py': '', '.python-version': `3.12${bad}` }), input).dockerfile, clean, /python-version/);
      expectNoInjection(() => planBuild(repo({ 'requirements.txt': '', 'main.py': '', 'runtime.txt': `python-3.12${bad}` }), input).dockerfile, clean, /runtime\.txt/);
    }
  });

  it("Python start commands (Django's settings module, a FastAPI or Flask app's name) stay in the CMD line", () => {
    const django = (settings: string) => repo({ 'requirements.txt': 'django\ngunicorn\n', 'manage.py': `os.environ.setdefault('DJANGO_SETTINGS_MODULE', '${settings}.settings')`, 'main.py': '' });
    const clean = planBuild(django('shop'), input).dockerfile;
    for (const bad of HOSTILE) expectNoInjection(() => planBuild(django(`shop${bad}`), input).dockerfile, clean, /settings/);
    const fastapi = (name: string) => repo({ 'requirements.txt': 'fastapi\nuvicorn\n', 'main.py': `${name} = FastAPI()\n` });
    const cleanApi = planBuild(fastapi('app'), input).dockerfile;
    for (const bad of HOSTILE) expectNoInjection(() => planBuild(fastapi(`app${bad}`), input).dockerfile, cleanApi, /app/);
  });

  it('go.mod: the go version and the program directory under cmd/ stay plain', () => {
    const clean = planBuild(repo({ 'go.mod': 'module example.com/app\n\ngo 1.22\n', 'main.go': '' }), input).dockerfile;
    for (const bad of HOSTILE) {
      expectNoInjection(() => planBuild(repo({ 'go.mod': `module example.com/app${bad}\n\ngo 1.22${bad}\n`, 'main.go': '' }), input).dockerfile, clean, /go\.mod/);
    }
    const cleanCmd = planBuild(repo({ 'go.mod': 'go 1.22', cmd: '' }, ['api']), input).dockerfile;
    for (const bad of HOSTILE) expectNoInjection(() => planBuild(repo({ 'go.mod': 'go 1.22', cmd: '' }, [`api${bad}`]), input).dockerfile, cleanCmd, /cmd/);
  });

  it("Procfile web: stays one CMD line whatever it holds (exec form, JSON-escaped)", () => {
    const clean = planBuild(repo({ 'index.html': '', Procfile: 'web: node a.js' }), input).dockerfile;
    for (const bad of ["web: node 'a.js\\'", 'web: node a.js\rRUN touch /pwned', "web: node 'a\u2028RUN touch /pwned'", 'web: node a.js\n\\']) {
      expectNoInjection(() => planBuild(repo({ 'index.html': '', Procfile: bad }), input).dockerfile, clean, /Procfile/);
    }
  });
});
