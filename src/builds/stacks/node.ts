// A Node app: dependencies installed with the lock file's manager, the build script run, dev
// dependencies dropped, then started by its start script, else its main file.
import { NODE_PROJECT_FILES, buildAndPruneLine, checkedEntryFile, readNodeProject } from './node-project.js';
import { type BaseImageRole, type Stack, imageFor } from './stack.js';

/** Node apps and Node-built static sites are built, and Node apps run, on it. */
export const nodeImage: BaseImageRole = { key: 'node', label: 'Node (build and run)', envVar: 'SPUR_IMAGE_NODE', flag: 'image-node', defaultImage: 'node:{version}-slim' };

export const node: Stack = {
  name: 'node',
  looksFor: 'package.json',
  reads: NODE_PROJECT_FILES,
  images: [nodeImage],
  detect(repo, { images }) {
    const project = readNodeProject(repo);
    if (!project) return null;
    const image = imageFor(images[nodeImage.key], project.major);
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
