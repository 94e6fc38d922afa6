// Reads files of a user's checkout: never through a symlink that leaves it, never a device, FIFO
// or directory, never more than a stated number of bytes.
import { open, realpath } from 'node:fs/promises';
import { constants } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { InvalidInput } from '../errors.js';

/** True when `child` is `parent` or lies below it. Both must be absolute and resolved. Pure. */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith(sep));
}

/** The text of `rel` inside `root` (an absolute, resolved directory), or null when absent. */
export async function readRepoFile(root: string, rel: string, maxBytes: number): Promise<string | null> {
  let real: string;
  try {
    real = await realpath(join(root, rel));
  } catch {
    return null;
  }
  if (!isInside(root, real)) throw new InvalidInput(rel, 'is a symlink that points outside the repository');
  // O_NONBLOCK: opening a FIFO must not wait for a writer; it is then refused as not a file.
  const file = await open(real, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new InvalidInput(rel, `is not a regular file (${relative(root, real) || '.'})`);
    if (info.size > maxBytes) throw new InvalidInput(rel, `is larger than ${Math.round(maxBytes / 1024)} KiB`);
    const buffer = Buffer.alloc(info.size);
    const { bytesRead } = await file.read(buffer, 0, info.size, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await file.close();
  }
}
