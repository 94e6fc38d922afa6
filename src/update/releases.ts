// Where releases live and how they are compared (no I/O). A download URL (SPUR_DOWNLOAD_URL)
// follows GitHub's release layout, which a mirror copies:
//   <url>/latest/download/release.json        the newest release: {"version", "commit", "sha256"}
//   <url>/download/v<version>/spur-linux-x64   a release's executable, and beside it .sha256
import { InvalidInput } from '../errors.js';

export const ARTIFACT = 'spur-linux-x64';
const VERSION = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;

export function releaseVersion(value: string): string {
  const m = VERSION.exec(value);
  if (!m || value.length > 64) throw new InvalidInput('version', `${JSON.stringify(value)} is not a release version like 1.2.3`);
  return value.replace(/^v/, '');
}

export function releaseUrls(base: string, version: string) {
  const dir = `${base}/download/v${releaseVersion(version)}`;
  return { binary: `${dir}/${ARTIFACT}`, checksum: `${dir}/${ARTIFACT}.sha256` };
}

export const latestReleaseUrl = (base: string) => `${base}/latest/download/release.json`;

/** Semantic-version order: 1 when a is newer than b, -1 when older, 0 when the same. */
export function compareVersions(a: string, b: string): number {
  const pa = VERSION.exec(a);
  const pb = VERSION.exec(b);
  if (!pa || !pb) return 0;
  for (let i = 1; i <= 3; i++) if (Number(pa[i]) !== Number(pb[i])) return Number(pa[i]) > Number(pb[i]) ? 1 : -1;
  if (pa[4] === pb[4]) return 0;
  if (!pa[4]) return 1;
  if (!pb[4]) return -1;
  return pa[4].localeCompare(pb[4], 'en', { numeric: true }) > 0 ? 1 : -1;
}

/** The hex digest from a `sha256sum` line (`<64 hex>  spur-linux-x64`). */
export function parseChecksum(text: string): string {
  const m = /^([0-9a-f]{64})(?:\s|$)/.exec(text.trim().toLowerCase());
  if (!m) throw new InvalidInput('checksum', 'the .sha256 file does not hold a SHA-256 digest');
  return m[1];
}

export function parseLatestRelease(body: unknown): { version: string; commit: string } {
  const r = body as { version?: unknown; commit?: unknown } | null;
  if (!r || typeof r.version !== 'string') throw new InvalidInput('release', 'the release feed has no version');
  return { version: releaseVersion(r.version), commit: typeof r.commit === 'string' ? r.commit.slice(0, 40) : 'unknown' };
}
