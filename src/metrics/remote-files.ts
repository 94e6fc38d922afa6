// Reading an enrolled server's kernel files in one SSH round trip, with no command line made from a
// path: the command is fixed, and the paths go on its standard input, one a line, after a marker
// drawn for this read. The server's disk where Docker keeps its data comes first (df).
import { randomBytes } from 'node:crypto';

/** What `df` prints first, then for each path the marker, the path, and the file. */
export const READ_FILES_COMMAND = `df -Pk /var/lib/docker 2>/dev/null || df -Pk /; IFS= read -r m; while IFS= read -r f; do printf '\\n%s %s\\n' "$m" "$f"; cat -- "$f" 2>/dev/null; done`;

/** More than a server's files and a few hundred tasks' take: a server answering more is refused. */
export const READ_FILES_MAX_BYTES = 4 * 1024 * 1024;

/** Kernel files only: an absolute path of plain characters, nothing that climbs. */
const PATH = /^\/(?:proc|sys)\/[A-Za-z0-9._,:@+=/-]+$/;

export interface FilesRequest {
  marker: string;
  stdin: string;
}

/** A path this reader will send. */
export const isKernelPath = (p: string) => PATH.test(p) && !p.split('/').includes('..');

export function filesRequest(paths: readonly string[]): FilesRequest {
  const bad = paths.find((p) => !isKernelPath(p));
  if (bad !== undefined) throw new Error(`not a kernel file path: ${JSON.stringify(bad)}`);
  const marker = `spur-${randomBytes(12).toString('hex')}`;
  return { marker, stdin: `${marker}\n${paths.join('\n')}\n` };
}

/** The df output, and each asked path's text (null: it could not be read). */
export function parseFilesReply(marker: string, paths: readonly string[], stdout: string): { df: string; files: Map<string, string | null> } {
  const [df = '', ...sections] = stdout.split(`\n${marker} `);
  const files = new Map<string, string | null>(paths.map((p) => [p, null]));
  for (const section of sections) {
    const newline = section.indexOf('\n');
    const path = newline < 0 ? section : section.slice(0, newline);
    const text = newline < 0 ? '' : section.slice(newline + 1);
    if (files.has(path)) files.set(path, text === '' ? null : text);
  }
  return { df, files };
}
