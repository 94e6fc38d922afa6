// A Node app: dependencies installed with the lock file's manager, the build script run, dev
// dependencies dropped, then started by its start script, else its main file.
import { buildAndPruneLine, checkedEntryFile, readNodeProject } from './node-project.js';
import { type Stack, imageFor } from './stack.js';

export const node: Stack = {
  name: 'node',
  looksFor: 'package.json',
  detect(repo, { images }) {
    const project = readNodeProject(repo);
    if (!project) return null;
    const image = imageFor(images.node, project.major);
    const reasons = [...project.reasons];
    let start: string[] = [];
    if (project.scripts.start) {
      reasons.push('start script');
      start = ['npm', 'start'];
    } else {
      const entry = project.main ?? ['server.js', 'index.js', 'app.js'].find((f) => repo.entries.has(f));
      if (entry) {
        reasons.push(project.main ? `main ${entry}` : `found ${entry}`);
        start = ['node', checkedEntryFile(entry, 'main')];
      }
    }
    const stages = [
      `FROM ${image} AS build`,
      'WORKDIR /app',
      ...project.install,
      'COPY . .',
      ...buildAndPruneLine(project, true),
      '',
      `FROM ${image}`,
      'ENV NODE_ENV=production',
      'WORKDIR /app',
      'COPY --from=build --chown=node:node /app /app',
      'USER node',
    ].join('\n');
    return { stack: 'node', reasons, stages, start, ignore: ['node_modules', '.git'] };
  },
};
