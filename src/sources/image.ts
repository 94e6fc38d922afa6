// A Docker image Spur runs as it is: nothing is built, and no git repository belongs to it. It may
// not name an image Spur built (a retag of another service's build).
import { checkRunImage } from '../builds/base-images.js';
import { InvalidInput } from '../errors.js';
import { type ImageSourceKind, present } from './source-kind.js';

export const image: ImageSourceKind = {
  name: 'image',
  choice: 'A Docker image',
  deploys: 'deploys a Docker image',
  builds: false,
  clones: false,
  named: (b) => present(b.image),
  source: (v) => ({ type: 'image', image: v.image }),
  keep: (b) => ({ image: b.image }),
  current: (s) => ({ image: s.image }),
  // Refuses at once an image the daemon resolves to one Spur built. A daemon that does not answer
  // now does not stop it: each deploy checks again and fails closed.
  check: async (deps, source) => {
    await checkRunImage(deps.docker, 'image', source.image!).catch((err: unknown) => {
      if (err instanceof InvalidInput) throw err;
    });
  },
  view: (s) => ({ type: 'image', image: s.image }),
  card: (s) => s.image ?? '',
  summary: (v) => [{ code: v.image ?? '' }],
  described: (v) => `the image ${v.image}`,
  // Checked again at each deploy: a retag since the service was created changes what the name is.
  runImage: async (deps, service) => {
    await checkRunImage(deps.docker, 'image', service.image!);
    return service.image!;
  },
  leavingGit: 'It no longer builds from git: its webhook and deploy key are removed (take them off your git host too), and its build settings stay unused while it runs an image.',
};
