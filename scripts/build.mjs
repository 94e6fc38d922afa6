// Bundles Spur into one CommonJS file (dist/spur.cjs) and copies the static assets beside it.
import { build } from 'esbuild';
import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const out = 'dist';
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'public', 'vendor'), { recursive: true });

await build({
  entryPoints: ['src/main.ts'],
  outfile: join(out, 'spur.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  // Native addon and optional native helpers of ssh2 (pulled in by docker-modem) stay external.
  external: ['better-sqlite3', 'cpu-features', './crypto/build/Release/sshcrypto.node'],
  banner: { js: '#!/usr/bin/env node' },
  sourcemap: 'linked',
  logLevel: 'warning',
  metafile: false,
});

cpSync('public', join(out, 'public'), { recursive: true });
cpSync(require.resolve('htmx.org/dist/htmx.min.js'), join(out, 'public', 'vendor', 'htmx.min.js'));
cpSync('node_modules/htmx-ext-sse/dist/sse.min.js', join(out, 'public', 'vendor', 'htmx-sse.min.js'));
