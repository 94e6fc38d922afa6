import { describe, expect, it } from 'vitest';
import { planBuild } from './plan.js';
import { procfileWeb } from './procfile.js';
import { nodeMajor } from './stacks/node-project.js';
import type { BaseImages, RepoSnapshot } from './stacks/stack.js';

const images: BaseImages = { node: 'node:{version}-slim', python: 'python:{version}-slim', go: 'golang:{version}', goRuntime: 'gcr.io/distroless/static-debian12', staticServer: 'busybox:1.37' };
const input = { images, port: 3000 };

function repo(files: Record<string, string>, cmdDirs: string[] = []): RepoSnapshot {
  return { entries: new Set(Object.keys(files).map((f) => f.split('/')[0]!)), files: new Map(Object.entries(files)), cmdDirs };
}

const lines = (dockerfile: string) => dockerfile.split('\n');

describe('planBuild', () => {
  it('builds a Node app with npm ci, its build script and its start script, dependencies before sources, as the node user', () => {
    const plan = planBuild(repo({ 'package.json': JSON.stringify({ engines: { node: '20.x' }, scripts: { build: 'tsc', start: 'node dist/main.js' } }), 'package-lock.json': '{}' }), input);
    expect(plan.stack).toBe('node');
    expect(plan.reasons).toEqual(['found package.json', 'engines.node 20.x', 'found package-lock.json', 'build script', 'start script']);
    const l = lines(plan.dockerfile);
    expect(l).toContain('FROM node:20-slim AS build');
    expect(l.indexOf('COPY package.json package-lock.json ./')).toBeLessThan(l.indexOf('COPY . .'));
    expect(l.indexOf('RUN npm ci')).toBeLessThan(l.indexOf('COPY . .'));
    expect(l.indexOf('RUN npm run build && npm prune --omit=dev')).toBeGreaterThan(l.indexOf('COPY . .'));
    expect(l).toContain('USER node');
    expect(l.at(-2)).toBe('CMD ["npm","start"]');
    expect(plan.ignore).toContain('node_modules');
  });

  it('uses pnpm (the packageManager version) or yarn from the lock file, and main when there is no start script', () => {
    const pnpm = planBuild(repo({ 'package.json': JSON.stringify({ main: 'server.js', packageManager: 'pnpm@9.12.1' }), 'pnpm-lock.yaml': '' }), input);
    expect(lines(pnpm.dockerfile)).toEqual(expect.arrayContaining(['RUN npm install -g pnpm@9.12.1', 'COPY package.json pnpm-lock.yaml ./', 'RUN pnpm install --frozen-lockfile', 'CMD ["node","server.js"]']));
    expect(pnpm.reasons).toContain('found pnpm-lock.yaml');
    const yarn = planBuild(repo({ 'package.json': '{"scripts":{"start":"node ."}}', 'yarn.lock': '' }), input);
    expect(lines(yarn.dockerfile)).toContain('RUN yarn install --frozen-lockfile');
    const none = planBuild(repo({ 'package.json': '{}', 'index.js': '' }), input);
    expect(lines(none.dockerfile)).toEqual(expect.arrayContaining(['COPY package.json ./', 'RUN npm install', 'CMD ["node","index.js"]']));
  });

  it('serves the output of a Vite or Create React App build with the static server', () => {
    const vite = planBuild(repo({ 'package.json': JSON.stringify({ scripts: { build: 'vite build', dev: 'vite' }, devDependencies: { vite: '^5' } }) }), input);
    expect(vite.stack).toBe('node-static');
    expect(lines(vite.dockerfile)).toEqual(expect.arrayContaining(['RUN npm run build', 'FROM busybox:1.37', 'COPY --from=build /app/dist /srv', 'CMD ["busybox","httpd","-f","-v","-p","3000","-h","/srv"]']));
    const cra = planBuild(repo({ 'package.json': JSON.stringify({ scripts: { build: 'react-scripts build' }, dependencies: { 'react-scripts': '5' } }) }), input);
    expect(lines(cra.dockerfile)).toContain('COPY --from=build /app/build /srv');
    // A start script makes it a Node server, whatever it uses to build.
    expect(planBuild(repo({ 'package.json': JSON.stringify({ scripts: { build: 'vite build', start: 'node server.js' }, dependencies: { vite: '5' } }) }), input).stack).toBe('node');
  });

  it('builds Python apps into a virtualenv and serves them with what they list', () => {
    const flask = planBuild(repo({ 'requirements.txt': 'Flask==3.0\ngunicorn\n', 'app.py': 'from flask import Flask\napplication = Flask(__name__)\n' }), input);
    expect(flask.stack).toBe('python');
    expect(lines(flask.dockerfile)).toEqual(expect.arrayContaining(['FROM python:3.13-slim AS build', 'RUN pip install --no-cache-dir -r requirements.txt', 'USER app', 'CMD ["gunicorn","--bind","0.0.0.0:3000","app:application"]']));
    const fastapi = planBuild(repo({ 'pyproject.toml': 'requires-python = "==3.11.*"\ndependencies = ["fastapi", "uvicorn[standard]"]\n', 'uv.lock': '', 'main.py': 'app = FastAPI()\n' }), input);
    expect(lines(fastapi.dockerfile)).toEqual(expect.arrayContaining(['FROM python:3.11-slim AS build', 'RUN UV_PROJECT_ENVIRONMENT=/venv uv sync --frozen --no-dev --no-install-project', 'CMD ["uvicorn","--host","0.0.0.0","--port","3000","main:app"]']));
    const django = planBuild(repo({ 'requirements.txt': 'django>=5\ngunicorn', 'manage.py': "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')", '.python-version': '3.12.4\n' }), input);
    expect(lines(django.dockerfile)).toEqual(expect.arrayContaining(['FROM python:3.12-slim AS build', 'CMD ["gunicorn","--bind","0.0.0.0:3000","shop.wsgi"]']));
    const plain = planBuild(repo({ 'requirements.txt': '', 'main.py': 'print(1)' }), input);
    expect(plain.dockerfile).toContain('CMD ["python","main.py"]');
  });

  it('builds a Go module into a static binary run alone as a non-root user; a single program under cmd/ is built', () => {
    const root = planBuild(repo({ 'go.mod': 'module example.com/app\n\ngo 1.22.3\n', 'main.go': '' }), input);
    expect(lines(root.dockerfile)).toEqual(expect.arrayContaining(['FROM golang:1.22 AS build', 'COPY go.mod ./', 'RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .', 'FROM gcr.io/distroless/static-debian12', 'USER 65532:65532', 'CMD ["/app"]']));
    expect(planBuild(repo({ 'go.mod': 'go 1.23', cmd: '' }, ['api']), input).dockerfile).toContain('-o /out/app ./cmd/api');
    // A directory name that is not plain never reaches the RUN line.
    expect(planBuild(repo({ 'go.mod': 'go 1.23', cmd: '' }, ['x;rm -rf /']), input).dockerfile).toContain('-o /out/app .\n');
  });

  it('serves a plain static site, and a Procfile web: line replaces any start command (exec form, $PORT filled in)', () => {
    const site = planBuild(repo({ 'index.html': '<h1>hi</h1>' }), input);
    expect(site.stack).toBe('static');
    expect(site.dockerfile).toContain('CMD ["busybox","httpd","-f","-v","-p","3000","-h","/srv"]');
    const overridden = planBuild(repo({ 'package.json': '{"scripts":{"start":"node a.js"}}', Procfile: 'release: node migrate.js\nweb: node "server two.js" --port $PORT\n' }), input);
    expect(overridden.dockerfile).toContain('CMD ["node","server two.js","--port","3000"]');
    expect(overridden.reasons.at(-1)).toBe('Procfile web:');
  });

  it('says what it looked for when nothing is recognised, and how to start an app it recognised but cannot start', () => {
    expect(() => planBuild(repo({ 'README.md': '' }), input)).toThrow('no Dockerfile, and nothing Spur can build without one: looked for Dockerfile, package.json with vite, astro or react-scripts and a build script, package.json, requirements.txt or pyproject.toml, go.mod, index.html');
    expect(() => planBuild(repo({ 'package.json': '{}' }), input)).toThrow(/found a node app \(found package\.json\) but not how to start it/);
    expect(() => planBuild(repo({ 'package.json': '{nope' }), input)).toThrow('package.json is not valid JSON');
    expect(() => planBuild(repo({ 'package.json': '{"main":"../../etc/passwd"}' }), input)).toThrow('main "../../etc/passwd" is not a plain relative path');
  });
});

describe('procfileWeb', () => {
  it('splits the web: line into words without a shell', () => {
    expect(procfileWeb('web: gunicorn app:app --bind 0.0.0.0:${PORT} --log-level \'info\'', 8080)).toEqual(['gunicorn', 'app:app', '--bind', '0.0.0.0:8080', '--log-level', 'info']);
    expect(procfileWeb('worker: x\n', 1)).toBeUndefined();
  });

  it('refuses shell syntax: Spur builds no shell string from it', () => {
    for (const line of ['web: a && b', 'web: a; rm -rf /', 'web: a | b', 'web: a > log', 'web: echo $HOME', 'web: echo `id`', 'web: a "$(id)"', 'web: ls *', 'web: "open']) {
      expect(() => procfileWeb(line, 1), line).toThrow(/Procfile: the web: line/);
    }
  });
});

describe('nodeMajor', () => {
  it('reads engines ranges and version files, with the default for open ranges', () => {
    expect(nodeMajor('^18 || ^20').major).toBe('20');
    expect(nodeMajor('>=18').major).toBe('24');
    expect(nodeMajor('>=26').major).toBe('26');
    expect(nodeMajor('>=18 <21').major).toBe('18');
    expect(nodeMajor(undefined, { name: '.nvmrc', text: 'v20.11.0\n' })).toEqual({ major: '20', why: 'Node 20 from .nvmrc' });
    expect(nodeMajor(undefined, { name: '.nvmrc', text: 'lts/*' }).major).toBe('24');
  });
});

describe('commandWords', () => {
  it('keeps quoted words whole and fills in $PORT; a line with nothing is refused', async () => {
    const { commandWords } = await import('../command-words.js');
    expect(commandWords(`node "a b.js" 'x $y' --port=\${PORT}`, 80)).toEqual(['node', 'a b.js', 'x $y', '--port=80']);
    expect(() => commandWords('   ', 80)).toThrow('has no command');
  });
});

describe('build variables in a written Dockerfile', () => {
  it('are declared in the build stage only, never in the stage that runs', () => {
    const plan = planBuild(repo({ 'package.json': '{"scripts":{"build":"x","start":"y"}}' }), { ...input, buildArgs: ['NPM_TOKEN', 'API_URL'] });
    const [build, run] = plan.dockerfile.split('\n\n');
    expect(build).toMatch(/FROM node:24-slim AS build\nARG NPM_TOKEN\nARG API_URL\n/);
    expect(run).not.toContain('ARG');
  });
});
