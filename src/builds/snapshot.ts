// Reads what the stacks look at from a build's root directory: its entries, the few small files
// they read (through readRepoFile: never outside the checkout, never more than 256 KiB each) and
// the programs under cmd/.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readRepoFile } from './repo-files.js';
import { PROCFILE } from './procfile.js';
import { STACK_FILES } from './stacks/index.js';
import type { RepoSnapshot } from './stacks/stack.js';

const SNAPSHOT_FILE_MAX_BYTES = 256 * 1024;

/** What the stacks read (each declares its own), and the Procfile; each is small. */
const SNAPSHOT_FILES = [...STACK_FILES, PROCFILE];

export async function readSnapshot(contextDir: string): Promise<RepoSnapshot> {
  const listing = (await readdir(contextDir, { withFileTypes: true })).filter((e) => e.name !== '.git');
  const entries = new Set(listing.map((e) => e.name));
  const files = new Map<string, string>();
  for (const name of SNAPSHOT_FILES) {
    if (!entries.has(name)) continue;
    const text = await readRepoFile(contextDir, name, SNAPSHOT_FILE_MAX_BYTES);
    if (text !== null) files.set(name, text);
  }
  // Not through a symlink: cmd/ must be a directory of the checkout itself.
  const cmdDirs = listing.some((e) => e.name === 'cmd' && e.isDirectory()) ? await readdir(join(contextDir, 'cmd'), { withFileTypes: true }).then((d) => d.filter((e) => e.isDirectory()).map((e) => e.name), () => []) : [];
  return { entries, files, cmdDirs };
}
