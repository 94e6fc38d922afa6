// A Python app: dependencies from uv.lock, poetry.lock, requirements.txt or pyproject.toml into a
// virtualenv, then served by what it uses: gunicorn for Django and Flask, uvicorn for FastAPI (when
// listed), else `python main.py`/`app.py`.
import { type BaseImageRole, PlanError, type Stack, type StackPlan, imageFor } from './stack.js';

export const DEFAULT_PYTHON = '3.13';

export const pythonImage: BaseImageRole = { key: 'python', label: 'Python', envVar: 'SPUR_IMAGE_PYTHON', flag: 'image-python', defaultImage: 'python:{version}-slim' };

export const python: Stack = {
  name: 'python',
  looksFor: 'requirements.txt or pyproject.toml',
  reads: ['requirements.txt', 'pyproject.toml', '.python-version', 'runtime.txt', 'manage.py', 'main.py', 'app.py', 'wsgi.py'],
  images: [pythonImage],
  detect(repo, { images, port }) {
    const has = (f: string) => repo.entries.has(f);
    if (!has('requirements.txt') && !has('pyproject.toml')) return null;
    const reasons: string[] = [];
    const version = pythonVersion(repo);
    if (version.reason) reasons.push(version.reason);
    const install = installLines(has, reasons);
    const deps = `${repo.files.get('requirements.txt') ?? ''}\n${repo.files.get('pyproject.toml') ?? ''}`;
    const image = imageFor(images[pythonImage.key], version.version);
    const stages = [
      `FROM ${image} AS build`,
      'ENV VIRTUAL_ENV=/venv PATH=/venv/bin:$PATH PIP_DISABLE_PIP_VERSION_CHECK=1',
      'RUN python -m venv /venv',
      'WORKDIR /app',
      ...install,
      '',
      `FROM ${image}`,
      'ENV VIRTUAL_ENV=/venv PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1',
      'RUN useradd --uid 10001 --no-create-home --shell /usr/sbin/nologin app',
      'WORKDIR /app',
      'COPY --from=build /venv /venv',
      'COPY . .',
      'USER app',
    ].join('\n');
    const start = startCommand(repo, deps, port);
    if (start.reason) reasons.push(start.reason);
    return { stack: 'python', reasons, stages, start: start.command, ignore: ['.git', '.venv', '__pycache__'] } satisfies StackPlan;
  },
};

type Found<K extends string, T> = { [key in K]: T } & { reason?: string };

function pythonVersion(repo: Parameters<Stack['detect']>[0]): Found<'version', string> {
  const pinned = /^(\d+\.\d+)/.exec(repo.files.get('.python-version')?.trim() ?? '')?.[1];
  if (pinned) return { version: pinned, reason: `Python ${pinned} from .python-version` };
  const runtime = /^python-(\d+\.\d+)/.exec(repo.files.get('runtime.txt')?.trim() ?? '')?.[1];
  if (runtime) return { version: runtime, reason: `Python ${runtime} from runtime.txt` };
  const requires = /^requires-python[ \t]*=[ \t]*["']([^"']*)["']/m.exec(repo.files.get('pyproject.toml') ?? '')?.[1];
  // The specifier is quoted in the written Dockerfile's comment: one line of specifier characters only.
  if (requires !== undefined && !/^[0-9A-Za-z.*<>=!~, ]{1,100}$/.test(requires)) throw new PlanError(`pyproject.toml requires-python ${JSON.stringify(requires)} is not a version specifier (digits, letters, . * < > = ! ~ , and spaces)`);
  const exact = requires && /^(?:==|~=)\s*(\d+\.\d+)/.exec(requires)?.[1];
  if (exact) return { version: exact, reason: `requires-python ${requires}` };
  return { version: DEFAULT_PYTHON };
}

function installLines(has: (f: string) => boolean, reasons: string[]): string[] {
  if (has('uv.lock') && has('pyproject.toml')) {
    reasons.push('found uv.lock');
    return ['RUN pip install --no-cache-dir uv', 'COPY pyproject.toml uv.lock ./', 'RUN UV_PROJECT_ENVIRONMENT=/venv uv sync --frozen --no-dev --no-install-project', 'COPY . .'];
  }
  if (has('poetry.lock') && has('pyproject.toml')) {
    reasons.push('found poetry.lock');
    return ['RUN pip install --no-cache-dir poetry', 'COPY pyproject.toml poetry.lock ./', 'RUN poetry config virtualenvs.create false && poetry install --only main --no-root --no-interaction', 'COPY . .'];
  }
  if (has('requirements.txt')) {
    reasons.push('found requirements.txt');
    return ['COPY requirements.txt ./', 'RUN pip install --no-cache-dir -r requirements.txt', 'COPY . .'];
  }
  reasons.push('found pyproject.toml');
  return ['COPY . .', 'RUN pip install --no-cache-dir .'];
}

const listed = (deps: string, name: string) => new RegExp(`(^|["'\\s])${name}(?=[\\s=<>~!\\[;"',]|$)`, 'im').test(deps);

/** The app object a file defines with `NAME = Framework(`. */
function appIn(repo: Parameters<Stack['detect']>[0], framework: string): { module: string; app: string } | undefined {
  for (const file of ['main.py', 'app.py', 'wsgi.py']) {
    const app = new RegExp(`^(\\w+)\\s*=\\s*${framework}\\(`, 'm').exec(repo.files.get(file) ?? '')?.[1];
    if (app) return { module: file.slice(0, -3), app };
  }
  return undefined;
}

function startCommand(repo: Parameters<Stack['detect']>[0], deps: string, port: number): Found<'command', string[]> {
  const bind = `0.0.0.0:${port}`;
  const settings = /DJANGO_SETTINGS_MODULE['"]\s*,\s*['"](\w+)\.settings['"]/.exec(repo.files.get('manage.py') ?? '')?.[1];
  if (settings && listed(deps, 'django')) {
    if (listed(deps, 'gunicorn')) return { command: ['gunicorn', '--bind', bind, `${settings}.wsgi`], reason: 'Django with gunicorn' };
    return { command: ['python', 'manage.py', 'runserver', '--noreload', bind], reason: 'Django (list gunicorn to serve it with gunicorn)' };
  }
  const fastapi = listed(deps, 'fastapi') && listed(deps, 'uvicorn') ? appIn(repo, 'FastAPI') : undefined;
  if (fastapi) return { command: ['uvicorn', '--host', '0.0.0.0', '--port', String(port), `${fastapi.module}:${fastapi.app}`], reason: `FastAPI with uvicorn (${fastapi.module}:${fastapi.app})` };
  const flask = listed(deps, 'flask') && listed(deps, 'gunicorn') ? appIn(repo, 'Flask') : undefined;
  if (flask) return { command: ['gunicorn', '--bind', bind, `${flask.module}:${flask.app}`], reason: `Flask with gunicorn (${flask.module}:${flask.app})` };
  const script = ['main.py', 'app.py'].find((f) => repo.entries.has(f));
  if (script) return { command: ['python', script], reason: `found ${script}` };
  return { command: [] };
}
