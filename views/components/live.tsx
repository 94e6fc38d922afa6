// Regions a page keeps current without a reload: the server sends each region's new HTML as a
// Server-Sent Event named after it (src/http/live.ts). Without JavaScript they show what was
// true when the page loaded.
import type { Child } from 'hono/jsx';

export function LiveSource(props: { url: string; children?: Child }) {
  return <div hx-ext="sse" sse-connect={props.url}>{props.children}</div>;
}

export function Live(props: { event: string; label?: string; children?: Child }) {
  return <div id={`live-${props.event}`} sse-swap={props.event} hx-swap="innerHTML" aria-live="polite" aria-label={props.label} role={props.label ? 'region' : undefined}>{props.children}</div>;
}
