// Imported first by the entry point, before any other module allocates: V8 would otherwise grow
// its young generation to 32 MB during a burst of work (twenty rollouts at once) and keep it,
// most of it idle memory. Kept at its initial 2 MB, collections are more frequent and cheap.
// (A single executable takes no command-line V8 options; these flags are read when used.)
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { performance } from 'node:perf_hooks';
import { runInNewContext } from 'node:vm';

setFlagsFromString('--semi-space-growth-factor=1');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;
// 'last-resort' also returns V8's pooled pages, as a low-memory signal would. (A young generation
// that has grown does not shrink again on Node 20, which is why it is kept from growing above.)
const collectGarbage = () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
setFlagsFromString('--no-expose-gc');

/** After a burst (a deploy wave, a page load storm) V8 keeps the garbage it made until the next
 *  allocation pressure, which an idle server never produces: a heap of 13 MB live data sat at
 *  30 MB. Every `everyMs`, if the event loop was almost idle and the heap grew since the last
 *  collection, one full collection hands the difference back to the system (a few milliseconds),
 *  and `afterCollection` (malloc_trim) returns what the collection freed outside V8's heap. */
export function collectGarbageWhenIdle(afterCollection: () => void = () => {}, everyMs = 10_000, idleBelow = 0.02, growthBytes = 1048576): () => void {
  let lastUsage = performance.eventLoopUtilization();
  let usedAfterCollection = getHeapStatistics().used_heap_size;
  const timer = setInterval(() => {
    const usage = performance.eventLoopUtilization(lastUsage);
    lastUsage = performance.eventLoopUtilization();
    const used = getHeapStatistics().used_heap_size;
    if (usage.utilization >= idleBelow || used - usedAfterCollection < growthBytes) return;
    collectGarbage();
    afterCollection();
    usedAfterCollection = getHeapStatistics().used_heap_size;
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
