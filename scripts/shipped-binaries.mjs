// The binaries the build puts beside the bundle and the executable embeds: Spur writes them out
// under its data directory (src/executable.ts), checked against digests compiled into the bundle.
export const SHIPPED_BINARIES = ['spur-probe', 'better_sqlite3.node', 'malloc-trim.node'];
