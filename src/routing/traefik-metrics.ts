// Where Spur reads Traefik's own metrics (src/metrics/traefik.ts parses them): its metrics entry
// point, published nowhere, at the address its task has on docker_gwbridge, which this host
// reaches; or a URL given (SPUR_TRAEFIK_METRICS_URL, a stand-in in tests).
import type { DockerClient } from '../docker/client.js';
import { gatewayBridgeAddresses } from '../docker/daemon.js';
import { TRAEFIK_METRICS_PORT, TRAEFIK_SERVICE } from './traefik-service.js';

const TIMEOUT_MS = 5000;
/** A metrics text this long is not Traefik's (it is about 2 KB a routed service). */
const MAX_BYTES = 64 * 1024 * 1024;

/** Reads the text, or null when there is nothing to read (Traefik not running, not answering). */
export function traefikMetricsReader(opts: { docker: DockerClient; url?: string }): () => Promise<string | null> {
  return async () => {
    const url = opts.url ?? (await gatewayBridgeAddresses(opts.docker, TRAEFIK_SERVICE).catch(() => [])).filter((a) => !a.includes(':')).map((a) => `http://${a}:${TRAEFIK_METRICS_PORT}/metrics`)[0];
    if (!url) return null;
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' }).catch(() => null);
    if (!res?.ok) return null;
    if (Number(res.headers.get('content-length') ?? 0) > MAX_BYTES) return null;
    const text = await res.text();
    return text.length > MAX_BYTES ? null : text;
  };
}
