import { defineConfig } from 'vitest/config';

const esbuild = { jsx: 'automatic' as const, jsxImportSource: 'hono/jsx' };
const e2e = { environment: 'node' as const, testTimeout: 300_000, hookTimeout: 300_000 };
// Each runs alone, one after the other: the first restarts the Docker daemon (every other file
// would see it vanish); the second adds a server to the Swarm (others' tasks could land on it).
// scripts/test.sh runs them with --no-file-parallelism.
const ALONE = ['test/daemon-restart.test.ts', 'test/nodes.test.ts'];

export default defineConfig({
  esbuild,
  test: {
    // End-to-end files mostly wait on Docker (builds, health checks), so a few run side by side;
    // each makes uniquely named, labelled resources. SPUR_TEST_WORKERS=1 runs them one by one.
    maxWorkers: Number(process.env.SPUR_TEST_WORKERS ?? 3),
    minWorkers: 1,
    projects: [
      { esbuild, test: { name: 'unit', include: ['src/**/*.test.ts', 'views/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' } },
      { esbuild, test: { name: 'e2e', include: ['test/**/*.test.ts'], exclude: ALONE, ...e2e } },
      { esbuild, test: { name: 'e2e-alone', include: ALONE, ...e2e } },
    ],
  },
});
