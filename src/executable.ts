// What Spur runs as, and the files it ships: inside the single executable (Node SEA) they are
// embedded assets; under Node they sit beside dist/spur.cjs.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import * as sea from 'node:sea';

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

/** Writes a shipped file to `target` (mode 0755) unless it is there already with the same bytes. */
export function installAsset(name: string, target: string, body = readAsset(name)): string {
  if (!body) throw new Error(`${name} is not part of this build; build Spur with scripts/build.mjs`);
  if (!existsSync(target) || !readFileSync(target).equals(body)) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(`${target}.new`, body, { mode: 0o755 });
    chmodSync(`${target}.new`, 0o755);
    renameSync(`${target}.new`, target);
  }
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
  const body = readAsset('better_sqlite3.node');
  if (!body) throw new Error('better_sqlite3.node is missing from this executable');
  const file = installAsset('better_sqlite3.node', join(dir, `better_sqlite3-${createHash('sha256').update(body).digest('hex').slice(0, 12)}.node`), body);
  const mod = { exports: {} as object };
  process.dlopen(mod, file);
  return mod.exports;
}
