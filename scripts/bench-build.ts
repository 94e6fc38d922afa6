// npm run bench:build — a Node app with 50 dependencies built cold (no cache) and warm (one source
// file changed) from the Dockerfile Spur writes for it (build/plan.ts) and from a hand-written
// multi-stage Dockerfile, each with `docker build` (the classic builder Spur drives), in the same
// run. The warm builds must reuse the dependency layer: Spur's warm time over the hand-written's
// (median of BENCH_BUILD_WARM_RUNS, 5).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_BASE_IMAGES } from '../src/builds/stacks/index.js';
import { planBuild } from '../src/builds/plan.js';
import { readSnapshot } from '../src/builds/snapshot.js';

const DEPENDENCIES = ['ms', 'debug', 'semver', 'uuid', 'qs', 'mime', 'dayjs', 'commander', 'chalk', 'lodash', 'minimist', 'yargs-parser', 'escape-html', 'cookie', 'bytes', 'depd', 'on-finished', 'statuses', 'vary', 'etag', 'fresh', 'range-parser', 'content-type', 'type-is', 'negotiator', 'accepts', 'http-errors', 'inherits', 'safe-buffer', 'once', 'wrappy', 'balanced-match', 'brace-expansion', 'minimatch', 'camelcase', 'decamelize', 'kleur', 'picocolors', 'nanoid', 'deepmerge', 'fast-deep-equal', 'json-stable-stringify', 'dotenv', 'ini', 'strip-ansi', 'ansi-regex', 'is-number', 'to-regex-range', 'fill-range', 'escape-string-regexp'];

const HAND_WRITTEN = `FROM node:22-slim AS build
WORKDIR /app
COPY package.json ./
RUN npm install
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
CMD ["npm", "start"]
`;

const WARM_RUNS = Number(process.env.BENCH_BUILD_WARM_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 });
const seconds = (ms: number) => (ms / 1000).toFixed(1);

function writeApp(dir: string, version: string) {
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bench-app', version: '1.0.0', engines: { node: '22' }, scripts: { build: 'node build.js', start: 'node server.js' }, dependencies: Object.fromEntries(DEPENDENCIES.map((d) => [d, '*'])) }, null, 2));
  writeFileSync(join(dir, 'build.js'), "require('node:fs').writeFileSync(__dirname + '/built.txt', 'built');\n");
  writeFileSync(join(dir, 'server.js'), `require('node:http').createServer((q, r) => r.end('${version}')).listen(process.env.PORT);\n`);
}

/** Builds and answers the time taken and whether the install step came from the cache. */
function build(dir: string, dockerfile: string, tag: string, cold: boolean): { ms: number; installCached: boolean } {
  const started = Date.now();
  const out = sh('docker', ['build', ...(cold ? ['--no-cache'] : []), '-f', dockerfile, '-t', tag, dir]);
  const ms = Date.now() - started;
  const install = out.split(/\nStep /).find((s) => /RUN npm install/.test(s)) ?? '';
  return { ms, installCached: /Using cache/.test(install) };
}

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  const dir = mkdtempSync(join(tmpdir(), 'spur-bench-build-'));
  try {
    writeApp(dir, 'v1');
    const plan = planBuild(await readSnapshot(dir), { images: DEFAULT_BASE_IMAGES, port: 3000 });
    writeFileSync(join(dir, 'Dockerfile.spur'), plan.dockerfile);
    writeFileSync(join(dir, 'Dockerfile.hand'), HAND_WRITTEN);
    writeFileSync(join(dir, '.dockerignore'), 'node_modules\nDockerfile.*\n');
    const kinds = [['spur', 'Dockerfile.spur'], ['hand', 'Dockerfile.hand']] as const;
    const rows: Record<string, { cold: number; warm: number; cached: boolean }> = {};
    for (const [kind, file] of kinds) rows[kind] = { cold: build(dir, join(dir, file), `spur-bench/build-${kind}`, true).ms, warm: 0, cached: false };
    // The classic builder shares one cache: each warm build gets a change of its own, so that
    // neither reuses the layers the other just made from the same sources. Median of WARM_RUNS,
    // the two Dockerfiles taking turns.
    const warmTimes: Record<string, number[]> = { spur: [], hand: [] };
    for (let round = 0; round < WARM_RUNS; round++) {
      for (const [kind, file] of kinds) {
        writeApp(dir, `v${round + 2}-${kind}`);
        const warm = build(dir, join(dir, file), `spur-bench/build-${kind}`, false);
        warmTimes[kind]!.push(warm.ms);
        rows[kind] = { ...rows[kind]!, cached: (round === 0 || rows[kind]!.cached) && warm.installCached };
      }
    }
    for (const [kind] of kinds) rows[kind]!.warm = median(warmTimes[kind]!);
    console.log(`Node app, ${DEPENDENCIES.length} dependencies (npm install), docker build (classic builder)`);
    console.log(`Dockerfile      cold      warm (server.js changed, median of ${WARM_RUNS})   dependency layer reused`);
    for (const [kind] of kinds) console.log(`${kind === 'spur' ? "Spur's written" : 'hand-written  '}  ${seconds(rows[kind]!.cold).padStart(6)} s  ${seconds(rows[kind]!.warm).padStart(6)} s                   ${rows[kind]!.cached ? 'yes' : 'NO'}`);
    console.log(`ratio Spur / hand-written: cold ${(rows.spur!.cold / rows.hand!.cold).toFixed(2)}, warm ${(rows.spur!.warm / rows.hand!.warm).toFixed(2)} (must be ≤ 1.1)`);
    if (!rows.spur!.cached) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
    for (const kind of ['spur', 'hand']) sh('docker', ['image', 'rm', '-f', `spur-bench/build-${kind}`]);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
