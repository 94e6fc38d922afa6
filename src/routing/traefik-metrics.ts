// Where Spur reads Traefik's own metrics (src/metrics/traefik.ts parses them): its metrics entry
// point, published nowhere, at the address its task has on docker_gwbridge, which this host
// reaches; or a URL given (SPUR_TRAEFIK_METRICS_URL, a stand-in in tests).
import type { DockerClient } from '../docker/client.js';
import { gatewayBridgeAddresses } from '../docker/daemon.js';
import { TRAEFIK_METRICS_PORT, TRAEFIK_SERVICE } from './traefik-service.js';

const TIMEOUT_MS = 5000;
/** Past this the text is not read on (Traefik's is a few KB a routed service). */
const MAX_BYTES = 8 * 1024 * 1024;

/** Reads the text, or null when there is nothing to read (Traefik not running, not answering,
 *  answering more than MAX_BYTES). */
export function traefikMetricsReader(opts: { docker: DockerClient; url?: string }): () => Promise<string | null> {
  return async () => {
    const url = opts.url ?? (await gatewayBridgeAddresses(opts.docker, TRAEFIK_SERVICE).catch(() => [])).filter((a) => !a.includes(':')).map((a) => `http://${a}:${TRAEFIK_METRICS_PORT}/metrics`)[0];
    if (!url) return null;
    const res = await fetch(url, { signal: AbortSignal.timeout(TIMEOUT_MS), redirect: 'error' }).catch(() => null);
    if (!res?.ok || !res.body) {
      await res?.body?.cancel();
      return null;
    }
    const chunks: Uint8Array[] = [];
    let bytes = 0;
    for await (const chunk of res.body) {
      bytes += chunk.length;
      if (bytes > MAX_BYTES) {
        await res.body.cancel().catch(() => {});
        return null;
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks).toString('utf8');
  };
}
