// Every minute (SPUR_ALERT_EVERY): the alert rules, then the autoscaler. A look still running when
// the next is due is not overlapped: the next waits for the one after.
import type { Deps } from '../deps.js';
import { runAlerts } from '../actions/alert-engine.js';
import { runAutoscaler } from '../actions/autoscale.js';

export function scheduleAlerts(deps: Deps): { stop(): Promise<void> } {
  const everyS = deps.config.alertEveryS;
  if (everyS <= 0) return { stop: async () => {} };
  let running: Promise<void> | undefined;
  let failing = false;
  const look = async () => {
    try {
      await runAlerts(deps);
      await runAutoscaler(deps);
      if (failing) deps.log.info('alerts and autoscaling work again');
      failing = false;
    } catch (err) {
      if (!failing) deps.log.error('alerts and autoscaling failed (said once until they work again)', { error: String(err) });
      failing = true;
    }
  };
  const timer = setInterval(() => {
    if (!running) running = look().finally(() => (running = undefined));
  }, everyS * 1000);
  timer.unref();
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
    },
  };
}
