// Every minute (SPUR_ALERT_EVERY): the alert rules, and apart from them the autoscaler, so that a
// slow channel or a failing part of one does not hold the other. A look still running when the
// next is due is not overlapped: that one is skipped.
import type { Deps } from '../deps.js';
import { runAlerts } from '../actions/alert-engine.js';
import { runAutoscaler } from '../actions/autoscale.js';

export function scheduleAlerts(deps: Deps): { stop(): Promise<void> } {
  const everyS = deps.config.alertEveryS;
  if (everyS <= 0) return { stop: async () => {} };
  const loops = [every(deps, everyS, 'alerts', () => runAlerts(deps)), every(deps, everyS, 'autoscaling', () => runAutoscaler(deps))];
  return { stop: async () => void (await Promise.all(loops.map((l) => l.stop()))) };
}

function every(deps: Deps, everyS: number, what: string, look: () => Promise<unknown>) {
  let running: Promise<void> | undefined;
  let failing = false;
  const once = async () => {
    try {
      await look();
      if (failing) deps.log.info(`${what} work again`);
      failing = false;
    } catch (err) {
      if (!failing) deps.log.error(`${what} failed (said once until it works again)`, { error: String(err) });
      failing = true;
    }
  };
  const timer = setInterval(() => {
    if (!running) running = once().finally(() => (running = undefined));
  }, everyS * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
