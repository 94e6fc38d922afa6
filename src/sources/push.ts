// Spur's own bare repository, which users `git push` to over SSH: a push deploys its branch, and
// a deploy without one builds the branch's head as last pushed.
import { checkoutFromRepo } from '../git/clone.js';
import { repoDir } from '../git/repos.js';
import { type BuiltSourceKind, buildFields, builtView, pathsPhrase, truthy } from './source-kind.js';

export const push: BuiltSourceKind = {
  name: 'push',
  choice: 'git push to Spur',
  deploys: 'deploys what is pushed to Spur',
  builds: true,
  clones: false,
  named: (b) => truthy(b.push),
  source: (v) => ({ type: 'push', branch: v.branch ?? 'main', rootDir: v.rootDir, dockerfilePath: v.dockerfilePath }),
  keep: (b) => ({ push: 'on', ...buildFields(b) }),
  current: () => ({ push: 'on' }),
  view: builtView,
  card: () => 'git push',
  summary: (v) => ['git push to Spur, branch ', { code: v.branch ?? '' }],
  described: (v) => `what is pushed to Spur, branch ${v.branch}${pathsPhrase(v)}`,
  idleAtCreation: 'nothing is pushed yet: it deploys with the first git push',
  fetch: async (deps, { projectId, service, branch, dir, say }) => {
    await say(`Using the head of branch ${branch} as last pushed`);
    return checkoutFromRepo({ repoDir: repoDir(deps.config.dataDir, { projectId, serviceId: service.id }), rev: `refs/heads/${branch}`, dir });
  },
};
