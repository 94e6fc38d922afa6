// A plain static site: an index.html at the root, served as it is.
import { staticServer } from './node-static.js';
import type { Stack } from './stack.js';

export const staticSite: Stack = {
  name: 'static',
  looksFor: 'index.html',
  detect(repo, { images, port }) {
    if (!repo.entries.has('index.html')) return null;
    const stages = [`FROM ${images.staticServer}`, 'COPY . /srv', 'USER 65534:65534'].join('\n');
    return { stack: 'static', reasons: ['found index.html'], stages, start: staticServer(port), ignore: ['.git', 'Procfile'] };
  },
};
