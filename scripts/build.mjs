// Bundles Spur into one CommonJS file (dist/spur.cjs) and puts what it ships beside it: the static
// assets, the health probe and the native addons (scripts/release.mjs embeds them all in one
// executable). `--out DIR` writes elsewhere than dist/; SPUR_BUILD_VERSION overrides package.json's
// version (tests build "newer" releases).
import { execFileSync } from 'node:child_process';
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { basename, dirname, join, resolve } from 'node:path';
import { cronInUtcWithoutIntl } from './cron-utc.mjs';
import { circles, layerProblems } from './layers.mjs';
import { SHIPPED_BINARIES } from './shipped-binaries.mjs';

const require = createRequire(import.meta.url);
/** Entry → the file it is bundled to beside spur.cjs; see loadedWhenUsed. */
const LAZY_MODULES = { 'src/tls/acme-order.ts': 'acme-order.cjs', 'src/storage/s3-client.ts': 's3-client.cjs' };
const out = outDir(process.argv.slice(2));
const version = process.env.SPUR_BUILD_VERSION || require('../package.json').version;
const commit = gitCommit();
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'public', 'vendor'), { recursive: true });

// The health probe Spur mounts into tasks: static, so it runs in any image.
try {
  execFileSync('gcc', ['-static', '-Os', '-s', '-Wall', '-Wextra', '-Werror', '-o', join(out, 'spur-probe'), 'src/health/probe.c'], { stdio: 'inherit' });
} catch (err) {
  console.error('building the health probe needs gcc with static libc (Debian: gcc, libc6-dev)');
  throw err;
}

// Spur's own addon: malloc_trim, called after a collection at idle. Built against the headers of
// the Node that builds it (the executable is that Node).
try {
  execFileSync('gcc', ['-shared', '-fPIC', '-Os', '-s', '-Wall', '-Wextra', '-Werror', '-I', join(dirname(process.execPath), '..', 'include', 'node'), '-o', join(out, 'malloc-trim.node'), 'src/memory/malloc-trim.c'], { stdio: 'inherit' });
} catch (err) {
  console.error(`building malloc-trim.node needs gcc and Node's headers (${join(dirname(process.execPath), '..', 'include', 'node')})`);
  throw err;
}

// SQLite's addon, without its debugging symbols.
cpSync(require.resolve('better-sqlite3/build/Release/better_sqlite3.node'), join(out, 'better_sqlite3.node'));
execFileSync('strip', ['--strip-unneeded', join(out, 'better_sqlite3.node')]);
// Their digests go into the bundle: Spur finds its installed copies current without reading the
// embedded files (every page of them read would stay in its resident memory).
const assetDigests = Object.fromEntries(SHIPPED_BINARIES.map((name) => [name, createHash('sha256').update(readFileSync(join(out, name))).digest('hex')]));

// Modules an idle Spur never runs, each bundled on its own (see loadedWhenUsed), with the names
// they export.
const lazyModules = [];
for (const [entry, file] of Object.entries(LAZY_MODULES)) {
  await build({ entryPoints: [entry], outfile: join(out, file), bundle: true, platform: 'node', target: 'node20', format: 'cjs', minify: true, keepNames: true, logLevel: 'warning' });
  lazyModules.push({ entry: resolve(entry), file, exports: Object.keys(require(resolve(out, file))) });
}

const result = await build({
  entryPoints: ['src/main.ts'],
  outfile: join(out, 'spur.cjs'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  jsx: 'automatic',
  jsxImportSource: 'hono/jsx',
  // better-sqlite3's JavaScript is bundled; its addon is loaded by src/executable.ts.
  // ESM dependencies (node-cron) read import.meta.url, which a CommonJS bundle lacks.
  banner: { js: "#!/usr/bin/env node\nconst __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl', __SPUR_VERSION__: JSON.stringify(version), __SPUR_COMMIT__: JSON.stringify(commit), __SPUR_ASSET_DIGESTS__: JSON.stringify(assetDigests) },
  minify: true,
  keepNames: true,
  sourcemap: 'linked',
  plugins: [withoutPoly1305(), withoutOptionalAddons(), withoutBuildKitSessions(), cronInUtcWithoutIntl(), loadedWhenUsed(lazyModules)],
  logLevel: 'warning',
  metafile: true,
});

failOnImportCycles(result.metafile);
const layers = layerProblems(resolve(dirname(fileURLToPath(import.meta.url)), '..'));
if (layers.length) throw new Error(`the floors of scripts/layers.mjs are broken:\n${layers.join('\n')}`);

// git runs the bundle itself as askpass helper.
chmodSync(join(out, 'spur.cjs'), 0o755);

cpSync('public', join(out, 'public'), { recursive: true });
cpSync(require.resolve('htmx.org/dist/htmx.min.js'), join(out, 'public', 'vendor', 'htmx.min.js'));
cpSync('node_modules/htmx-ext-sse/dist/sse.min.js', join(out, 'public', 'vendor', 'htmx-sse.min.js'));
// The console's terminal.
cpSync('node_modules/@xterm/xterm/lib/xterm.js', join(out, 'public', 'vendor', 'xterm.js'));
cpSync('node_modules/@xterm/xterm/css/xterm.css', join(out, 'public', 'vendor', 'xterm.css'));
cpSync('node_modules/@xterm/addon-fit/lib/addon-fit.js', join(out, 'public', 'vendor', 'xterm-addon-fit.js'));
// The API reference page's renderer.
cpSync('node_modules/swagger-ui-dist/swagger-ui-bundle.js', join(out, 'public', 'vendor', 'swagger-ui-bundle.js'));
cpSync('node_modules/swagger-ui-dist/swagger-ui.css', join(out, 'public', 'vendor', 'swagger-ui.css'));

/** `--out DIR` builds elsewhere than dist/ (tests build a second, newer release). */
function outDir(argv) {
  const i = argv.indexOf('--out');
  return i >= 0 && argv[i + 1] ? argv[i + 1] : 'dist';
}

function gitCommit() {
  try {
    return execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

/** Our own modules must not import each other in a circle (libraries are not checked). */
function failOnImportCycles(metafile) {
  const ours = (p) => /^(src|views)\//.test(p);
  const graph = new Map(
    Object.entries(metafile.inputs)
      .filter(([p]) => ours(p))
      .map(([p, input]) => [p, input.imports.map((i) => i.path).filter(ours)]),
  );
  const [circle] = circles(graph);
  if (circle) throw new Error(`import cycle: ${circle.join(' -> ')}`);
}

/** A module that is bundled on its own and compiled the first time it is imported (a certificate
 *  order loads acme-client, node-forge and axios: a megabyte of source an idle Spur would keep). */
function loadedWhenUsed(modules) {
  const executable = resolve('src', 'executable.ts');
  const byPath = new Map(modules.map((m) => [m.entry, m]));
  const names = modules.map((m) => basename(m.entry).replace(/[.]/g, '\\.'));
  return {
    name: 'loaded-when-used',
    setup(b) {
      b.onLoad({ filter: new RegExp(`(${names.join('|')})$`) }, (args) => {
        const m = byPath.get(args.path);
        if (!m) return undefined;
        const contents = [`import { shippedModule } from ${JSON.stringify(executable)};`, `const loaded = shippedModule(${JSON.stringify(m.file)});`, ...m.exports.map((name) => `export const ${name} = loaded.${name};`)].join('\n');
        return { contents, loader: 'js', resolveDir: dirname(args.path) };
      });
    },
  };
}

/** ssh2 (pulled in by docker-modem) tries two optional native addons and works without them. A
 *  single executable can load no addon through require, so they are left out as modules that throw. */
function withoutOptionalAddons() {
  return {
    name: 'without-optional-addons',
    setup(b) {
      b.onResolve({ filter: /^cpu-features$|sshcrypto\.node$/ }, (args) => ({ path: args.path, namespace: 'absent' }));
      b.onLoad({ filter: /.*/, namespace: 'absent' }, (args) => ({ contents: `throw new Error(${JSON.stringify(args.path + ' is not bundled')});`, loader: 'js' }));
    },
  };
}

/** dockerode loads gRPC (and its protobuf definitions) at start, only for BuildKit sessions
 *  (`version: '2'` builds). Spur builds with the classic builder, so that module is a stub that
 *  refuses to be used: several megabytes of heap that an idle Spur never needed. */
function withoutBuildKitSessions() {
  return {
    name: 'without-buildkit-sessions',
    setup(b) {
      b.onLoad({ filter: /dockerode[\\/]lib[\\/]session\.js$/ }, () => ({
        contents: "module.exports = function withSession() { throw new Error('BuildKit sessions are not used by Spur'); };",
        loader: 'js',
      }));
    },
  };
}

/** ssh2 instantiates an emscripten Poly1305 module (16 MiB of WebAssembly memory) when it is
 *  loaded, only for the chacha20-poly1305 cipher. Spur's SSH server offers AES ciphers instead
 *  (src/ssh/server.ts), so the module is replaced by a stub that refuses to be used. */
function withoutPoly1305() {
  return {
    name: 'without-poly1305',
    setup(b) {
      b.onLoad({ filter: /ssh2[\\/]lib[\\/]protocol[\\/]crypto[\\/]poly1305\.js$/ }, () => ({
        contents: "module.exports = () => Promise.resolve({ _malloc: () => 0, cwrap: () => () => { throw new Error('chacha20-poly1305 is not offered by Spur'); } });",
        loader: 'js',
      }));
    },
  };
}
