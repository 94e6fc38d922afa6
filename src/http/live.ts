// Live pages: a page's status regions are rendered again after every deployment status change
// (and every few seconds, for replicas that come and go) and sent as Server-Sent Events, each
// only when its HTML changed. htmx's SSE extension swaps them in place.
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { Deps } from '../deps.js';

export const LIVE_STREAMS_PER_USER = 30;
export const LIVE_POLL_MS = 3000;
/** Status changes often come in bursts (superseded, then queued); one render answers a burst. */
const SETTLE_MS = 50;

/** Named HTML fragments, each the content of the region that listens for that event name. */
export type Fragments = Record<string, string>;

export function liveFragments(c: Context, deps: Deps, userId: number, render: () => Promise<Fragments>) {
  const release = deps.liveSlots.take(userId);
  return streamSSE(c, async (stream) => {
    const sent = new Map<string, string>();
    let timer: NodeJS.Timeout | undefined;
    let chain = Promise.resolve();
    let ended!: () => void;
    const closed = new Promise<void>((r) => (ended = r));
    const refresh = () => {
      chain = chain.then(async () => {
        for (const [event, html] of Object.entries(await render())) {
          if (sent.get(event) === html) continue;
          sent.set(event, html);
          await stream.writeSSE({ event, data: html });
        }
      }).catch(() => ended());
    };
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(refresh, SETTLE_MS);
    };
    const unwatch = deps.logBus.watchStatuses(soon);
    const poll = setInterval(refresh, LIVE_POLL_MS);
    stream.onAbort(ended);
    refresh();
    await closed;
    unwatch();
    clearInterval(poll);
    clearTimeout(timer);
    release();
  });
}
