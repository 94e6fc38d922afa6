// What Spur runs as, and the files it ships: inside the single executable (Node SEA) they are
// embedded assets; under Node they sit beside dist/spur.cjs.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as sea from 'node:sea';

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

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/** Writes a shipped file to `target` (mode 0755) unless it is there already, unchanged. The
 *  embedded copy is read only when needed: each page read stays in Spur's resident memory. */
export function installAsset(name: string, target: string): string {
  if (existsSync(target) && sha256(readFileSync(target)) === DIGESTS[name]) return target;
  const body = readAsset(name);
  if (!body) throw new Error(`${name} is not part of this build; build Spur with scripts/build.mjs`);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(`${target}.new`, body, { mode: 0o755 });
  chmodSync(`${target}.new`, 0o755);
  renameSync(`${target}.new`, target);
  return target;
}

/** better-sqlite3's native addon. Inside the executable it is written out under `dir` (a plain
 *  `require` cannot load a file embedded in a SEA) and loaded with process.dlopen; the bundle
 *  names the copy beside it; from the sources, better-sqlite3 finds its own. */
export function sqliteBinding(dir: string): object | string | undefined {
  if (!isSingleExecutable) {
    const beside = join(__dirname, 'better_sqlite3.node');
    return existsSync(beside) ? beside : undefined;
  }
  const digest = DIGESTS['better_sqlite3.node'];
  if (!digest) throw new Error('this executable was built without its asset digests');
  const file = installAsset('better_sqlite3.node', join(dir, `better_sqlite3-${digest.slice(0, 12)}.node`));
  const mod = { exports: {} as object };
  process.dlopen(mod, file);
  return mod.exports;
}
