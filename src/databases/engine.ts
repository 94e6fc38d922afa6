// What Spur needs to know of a database engine to run, wire and back it up. Each engine is one
// descriptor in engines/; adding an engine is adding a file there and a line in engines/index.ts.
import type { Credentials } from '../store/databases.js';

export interface DatabaseEngine {
  name: string;
  /** The official image, `repository:tag`; --version replaces the tag. */
  image: string;
  /** Versions are image tags of this shape (checked before any image is named). */
  versionPattern: RegExp;
  port: number;
  /** Where the image keeps its data: the named volume is mounted here. */
  dataPath: string;
  /** The container's environment, as the official image reads it. */
  environment(c: Credentials): Record<string, string>;
  /** Arguments to the image's entrypoint (Redis takes its password on the command line). */
  args?(c: Credentials): string[];
  /** A command the container runs to tell Swarm it is ready (Docker health check, CMD form). */
  health(c: Credentials): string[];
  /** The variables other services reference (`${{<name>.DATABASE_URL}}` …), for a host name on
   *  the project network. */
  variables(c: Credentials, host: string): Record<string, string>;
  /** A logical dump written to stdout, run inside the database's container. */
  dump(c: Credentials): string[];
  /** A restore reading that dump from stdin, run inside a container of the same engine; absent
   *  where a running server cannot take one. */
  restore?(c: Credentials): string[];
  /** Without `restore`, the dump is the file a server loads at start, placed at `path` (once the
   *  `stale` files that would be loaded instead are gone) and loaded by a server started with
   *  `args`: a throwaway one to verify it, or one on the database's own stopped volume to restore
   *  it, which then runs `persist.command` and `persist.check` until every `done` matches, so the
   *  data is kept under the engine's own settings. */
  loadFromFile?: {
    path: string;
    stale: string[];
    args(c: Credentials): string[];
    persist?: { command(c: Credentials): string[]; check(c: Credentials): string[]; done: RegExp[] };
  };
  /** Prints what the database holds, one item a line (`table rows`, or a key count). */
  inventory(c: Credentials): string[];
}

/** `scheme://user:password@host:port/path`, user and password percent-encoded. */
export const connectionUrl = (scheme: string, c: Credentials, host: string, port: number, path: string) =>
  `${scheme}://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@${host}:${port}${path}`;

