// A static site built by a Node tool (Vite, Astro, Create React App): built with Node, its output
// directory served by a small static file server. Chosen over the Node stack when the site has a
// build script and no start script.
import { nodeImage } from './node.js';
import { NODE_PROJECT_FILES, readNodeProject } from './node-project.js';
import { type Stack, imageFor } from './stack.js';
import { staticServer, staticServerImage } from './static.js';

/** Dependency → the directory its build writes. */
const TOOLS: [string, string][] = [['vite', 'dist'], ['astro', 'dist'], ['react-scripts', 'build']];

export const nodeStatic: Stack = {
  name: 'node-static',
  looksFor: 'package.json with vite, astro or react-scripts and a build script',
  reads: NODE_PROJECT_FILES,
  images: [],
  detect(repo, { images, port }) {
    const project = readNodeProject(repo);
    if (!project || !project.scripts.build || project.scripts.start) return null;
    const tool = TOOLS.find(([dep]) => project.dependencies.has(dep));
    if (!tool) return null;
    const [dep, out] = tool;
    const stages = [
      `FROM ${imageFor(images[nodeImage.key], project.major)} AS build`,
      'WORKDIR /app',
      ...project.install,
      'COPY . .',
      `RUN ${project.buildCommand}`,
      '',
      `FROM ${images[staticServerImage.key]}`,
      `COPY --from=build /app/${out} /srv`,
      'USER 65534:65534',
    ].join('\n');
    return { stack: 'node-static', reasons: [...project.reasons, `${dep}: serving ${out}/`], stages, start: staticServer(port), ignore: ['node_modules', '.git'] };
  },
};
