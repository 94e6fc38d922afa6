// What Spur runs as, and the files it ships: inside the single executable (Node SEA) they are
// embedded assets; under Node they sit beside dist/spur.cjs.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as sea from 'node:sea';
import { gunzipSync } from 'node:zlib';
import Module from 'node:module';

declare const __SPUR_ASSET_DIGESTS__: Record<string, string> | undefined;
/** SHA-256 of the shipped binaries, put in by the bundler. */
const DIGESTS: Record<string, string> = typeof __SPUR_ASSET_DIGESTS__ === 'object' ? __SPUR_ASSET_DIGESTS__ : {};

export const isSingleExecutable: boolean = sea.isSea();

/** The argv that starts Spur again (git's askpass helper and pre-receive hook run it). */
export function selfCommand(): string[] {
  return isSingleExecutable ? [process.execPath] : [process.execPath, __filename];
}

/** A shipped file by its name under dist/ (e.g. `public/app.css`, `spur-probe`); undefined when absent. */
export function readAsset(name: string): Buffer | undefined {
  if (isSingleExecutable) {
    try {
      return Buffer.from(sea.getAsset(name));
    } catch {
      return undefined;
    }
  }
  const file = join(__dirname, name);
  return existsSync(file) ? readFileSync(file) : undefined;
}

const gunzipped = (bytes: Buffer | undefined) => bytes && gunzipSync(bytes);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes a shipped binary to `target` (mode 0755) unless it is there already, unchanged. The
 *  embedded copy (gzipped, scripts/release.mjs) is read only when needed: each page of the
 *  executable read stays in Spur's resident memory. */
export function installAsset(name: string, target: string): string {
  if (existsSync(target) && sha256(readFileSync(target)) === DIGESTS[name]) return target;
  const body = isSingleExecutable ? gunzipped(readAsset(`${name}.gz`)) : readAsset(name);
  if (!body) throw new Error(`${name} is not part of this build; build Spur with scripts/build.mjs`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.new`, body, { mode: 0o755 });
  chmodSync(`${target}.new`, 0o755);
  renameSync(`${target}.new`, target);
  return target;
}

/** A native addon Spur ships (`better_sqlite3.node`, `malloc-trim.node`), loaded. Inside the
 *  executable it is written out under `dir` (a plain `require` cannot load a file embedded in a
 *  SEA) and loaded with process.dlopen; the bundle loads the copy beside it; from the sources
 *  there is none (undefined: better-sqlite3 then finds its own). */
export function shippedAddon<T extends object>(name: string, dir: string): T | undefined {
  let file = join(__dirname, name);
  if (isSingleExecutable) {
    const digest = DIGESTS[name];
    if (!digest) throw new Error('this executable was built without its asset digests');
    file = installAsset(name, join(dir, name.replace(/\.node$/, `-${digest.slice(0, 12)}.node`)));
  } else if (!existsSync(file)) {
    return undefined;
  }
  const mod = { exports: {} as T };
  process.dlopen(mod, file);
  return mod.exports;
}

/** A module the build bundled on its own (scripts/build.mjs, loadedWhenUsed), compiled now: the
 *  first time something imports it. It may require Node's built-in modules only. */
export function shippedModule(name: string): unknown {
  const source = readAsset(name);
  if (!source) throw new Error(`${name} is not part of this build; build Spur with scripts/build.mjs`);
  const mod = new Module(join(__dirname, name)) as Module & { _compile(source: string, filename: string): void };
  mod.filename = join(__dirname, name);
  mod._compile(source.toString('utf8'), mod.filename);
  return mod.exports;
}
