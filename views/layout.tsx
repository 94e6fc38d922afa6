// The page frame: header, Docker banner, flash area, htmx wiring with the CSRF header.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';

export interface LayoutProps {
  title: string;
  user?: { email: string };
  csrfToken?: string;
  engineProblem?: string;
  children?: Child;
}

export function Layout(props: LayoutProps) {
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Spur</title>
        <link rel="stylesheet" href="/public/app.css" />
        <script src="/public/vendor/htmx.min.js" defer></script>
        <script src="/public/vendor/htmx-sse.min.js" defer></script>
      </head>
      <body hx-headers={props.csrfToken ? JSON.stringify({ 'X-CSRF-Token': props.csrfToken }) : undefined}>
        <header class="top">
          <a href="/" class="brand">Spur</a>
          {props.user && (
            <nav>
              <a href="/keys">SSH keys</a>
              <span class="muted">{props.user.email}</span>
              <form method="post" action="/logout" class="inline">
                <CsrfField token={props.csrfToken} />
                <button type="submit" class="link">Log out</button>
              </form>
            </nav>
          )}
        </header>
        {props.engineProblem && (
          <div class="banner" role="alert">
            Docker: {props.engineProblem}
          </div>
        )}
        <main>
          <div id="flash"></div>
          {props.children}
        </main>
      </body>
    </html>
    </>
  );
}

export function CsrfField(props: { token?: string }) {
  return props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;
}
