// The one way the UI shows a point in time: `2026-12-05 07:51 UTC`, inside a <time> whose
// datetime attribute carries the exact instant (for screen readers, tooltips and scripts).

/** Formats an ISO instant as the UI shows it: date, hours and minutes, in UTC. */
export function formatTime(iso: string): string {
  const at = new Date(iso);
  if (Number.isNaN(at.getTime())) return iso;
  return `${at.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** A point in time, shown in the UI's one format; the exact instant is in `datetime` and the tooltip. */
export function Time(props: { at: string; class?: string }) {
  const at = new Date(props.at);
  const exact = Number.isNaN(at.getTime()) ? props.at : at.toISOString();
  return <time datetime={exact} title={exact} class={props.class}>{formatTime(props.at)}</time>;
}
