// A plain static site: an index.html at the root, served as it is.
import type { BaseImageRole, Stack } from './stack.js';

/** A small static file server (busybox httpd), for static sites built or not. */
export const staticServerImage: BaseImageRole = { key: 'staticServer', label: 'Static file server', envVar: 'SPUR_IMAGE_STATIC', flag: 'image-static', defaultImage: 'busybox:1.37' };

export const staticSite: Stack = {
  name: 'static',
  looksFor: 'index.html',
  reads: [],
  images: [staticServerImage],
  detect(repo, { images, port }) {
    if (!repo.entries.has('index.html')) return null;
    const stages = [`FROM ${images[staticServerImage.key]}`, 'COPY . /srv', 'USER 65534:65534'].join('\n');
    return { stack: 'static', reasons: ['found index.html'], stages, start: staticServer(port), ignore: ['.git', 'Procfile'] };
  },
};

/** busybox httpd in the foreground, serving /srv on the service's port. */
export const staticServer = (port: number) => ['busybox', 'httpd', '-f', '-v', '-p', String(port), '-h', '/srv'];
