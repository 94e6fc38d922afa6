import { defineConfig } from 'vitest/config';

const esbuild = { jsx: 'automatic' as const, jsxImportSource: 'hono/jsx' };

export default defineConfig({
  esbuild,
  test: {
    fileParallelism: false,
    projects: [
      { esbuild, test: { name: 'unit', include: ['src/**/*.test.ts', 'views/**/*.test.ts', 'scripts/**/*.test.ts'], environment: 'node' } },
      {
        esbuild,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
    ],
  },
});
