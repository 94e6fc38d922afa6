// The console (admins): a terminal (xterm.js) on a shell in a new container of the serving image,
// over a WebSocket (public/console.js); the session is recorded in the audit log.
import { Layout, type LayoutProps } from '../layout.js';

export function ConsolePage(props: { frame: Omit<LayoutProps, 'title' | 'children'>; project: string; service: string; environment: string; socket: string }) {
  const serviceUrl = `/projects/${props.project}/services/${props.service}?env=${props.environment}`;
  return (
    <Layout title={`Console · ${props.service} · ${props.project}`} section="projects" {...props.frame}>
      <link rel="stylesheet" href="/public/vendor/xterm.css" />
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> / <a href={serviceUrl}>{props.service}</a> /</p>
      <h1>Console: {props.service} ({props.environment})</h1>
      <p class="muted">A shell (<code>/bin/sh</code>) in a new container of the image that serves, with the variables it runs with, on the project's network. It is not one of the serving tasks: what you change here is gone when it closes. Opening and closing it are recorded in the audit log. Type <code>exit</code> or close the page to end it.</p>
      <p id="console-state" role="status" aria-live="polite">Connecting…</p>
      <div id="terminal" class="terminal" data-socket={props.socket} role="application" aria-label={`Console of ${props.service}`}></div>
      <script src="/public/vendor/xterm.js" defer></script>
      <script src="/public/vendor/xterm-addon-fit.js" defer></script>
      <script src="/public/console.js" defer></script>
    </Layout>
  );
}
