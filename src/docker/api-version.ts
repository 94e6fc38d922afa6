// Which Docker Engine API version Spur speaks to a daemon: the newest both support. Pure.
// Docker 29 refuses clients below API 1.44 ("client version 1.24 is too old"), and a daemon
// older than Docker 20.10 lacks what Spur relies on, so Spur negotiates instead of guessing.

/** Docker 20.10. */
export const SPUR_MIN_API = '1.41';
/** Docker 29.0: the newest API Spur was checked against. A newer daemon is spoken to at this one. */
export const SPUR_MAX_API = '1.52';

/** What a daemon says on GET /version: its newest API and the oldest it still accepts. */
export interface DaemonApi {
  apiVersion: string;
  minApiVersion?: string;
}

export type ApiChoice =
  | { supported: true; version: string }
  | { supported: false; problem: string };

/** Compares dotted version numbers part by part (`1.9` < `1.41`); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return Math.sign(d);
  }
  return 0;
}

const isVersion = (v: string | undefined): v is string => !!v && /^\d+(\.\d+)*$/.test(v);
const range = `${SPUR_MIN_API} to ${SPUR_MAX_API}`;

/** min(daemon's newest, Spur's newest), refused when that is below Spur's oldest or below what
 *  the daemon still accepts. */
export function chooseApiVersion(daemon: DaemonApi): ApiChoice {
  if (!isVersion(daemon.apiVersion)) {
    return { supported: false, problem: `Docker did not say which Engine API version it speaks (${JSON.stringify(daemon.apiVersion ?? null)}); Spur supports ${range}` };
  }
  const version = compareVersions(daemon.apiVersion, SPUR_MAX_API) < 0 ? daemon.apiVersion : SPUR_MAX_API;
  if (compareVersions(version, SPUR_MIN_API) < 0) {
    return { supported: false, problem: `Docker's Engine API ${daemon.apiVersion} is outside what Spur supports (${range}): upgrade Docker to 20.10 or newer` };
  }
  if (isVersion(daemon.minApiVersion) && compareVersions(version, daemon.minApiVersion) < 0) {
    return { supported: false, problem: `Docker's Engine API ${daemon.minApiVersion} to ${daemon.apiVersion} is outside what Spur supports (${range}): update Spur` };
  }
  return { supported: true, version };
}
