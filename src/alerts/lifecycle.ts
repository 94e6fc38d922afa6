// How one alert moves, minute by minute, from whether its condition holds: it fires once the
// condition has held for `forS` (a blip never pages anyone; gaps shorter than `clearS` do not start
// the count again), says so again every `repeatS` while it lasts, and is resolved once the
// condition has stayed away for `clearS` (a condition that comes and goes inside that time is one
// alert, not a flood of them). Pure; policyOf checks the numbers.

export interface AlertPolicy {
  /** Seconds the condition must hold before the alert fires (0: at once). */
  forS: number;
  /** Seconds it must stay away before the alert is resolved. */
  clearS: number;
  /** Seconds between reminders while it fires; null: none. */
  repeatS: number | null;
}

export interface AlertState {
  /** When the condition was first seen holding, this time. */
  since: number;
  /** Fired (sent) or still pending. */
  firing: boolean;
  /** When the last notification of it was sent. */
  sentAt?: number;
  /** Since when the condition has been away, while it fires. */
  clearSince?: number;
}

export interface Step {
  /** The state to keep; null: nothing to keep (never fired, or resolved). */
  state: AlertState | null;
  send?: 'firing' | 'repeat' | 'resolved';
}

export function step(state: AlertState | null | undefined, holds: boolean, nowS: number, policy: AlertPolicy): Step {
  if (!state) {
    if (!holds) return { state: null };
    return policy.forS <= 0 ? { state: { since: nowS, firing: true, sentAt: nowS }, send: 'firing' } : { state: { since: nowS, firing: false } };
  }
  if (!state.firing) {
    // Pending. Away for its clear time before it counted: dropped, nothing said. Away for less (a
    // crash loop seen between its restarts): still pending, counted from when it was first seen.
    if (!holds) {
      const clearSince = state.clearSince ?? nowS;
      return nowS - clearSince >= policy.clearS ? { state: null } : { state: { ...state, clearSince } };
    }
    const pending = { ...state, clearSince: undefined };
    return nowS - state.since >= policy.forS ? { state: { ...pending, firing: true, sentAt: nowS }, send: 'firing' } : { state: pending };
  }
  if (!holds) {
    const clearSince = state.clearSince ?? nowS;
    return nowS - clearSince >= policy.clearS ? { state: null, send: 'resolved' } : { state: { ...state, clearSince } };
  }
  const back = { ...state, clearSince: undefined };
  if (policy.repeatS !== null && nowS - (state.sentAt ?? state.since) >= policy.repeatS) return { state: { ...back, sentAt: nowS }, send: 'repeat' };
  return { state: back };
}

/** A policy as a person sets it, checked: a reminder at most every 5 minutes, a clear time of a
 *  minute at least (so a flapping condition is one alert), nothing over a week. */
export function policyOf(p: { forS: number; clearS: number; repeatS: number | null }): AlertPolicy {
  const within = (n: number, min: number, what: string) => {
    if (!Number.isInteger(n) || n < min || n > 7 * 86_400) throw new RangeError(`${what} must be whole seconds from ${min} to a week`);
    return n;
  };
  return { forS: within(p.forS, 0, 'for'), clearS: within(p.clearS, 60, 'clear'), repeatS: p.repeatS === null ? null : within(p.repeatS, 300, 'repeat') };
}
