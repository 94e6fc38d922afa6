// The page frame: skip link, navigation, Docker banner, flash area, footer with the version, and
// the htmx wiring with the CSRF header.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { COMMIT, VERSION } from '../src/version.js';
import { actionWords, busyAttrs } from './components/confirm.js';
import { PaletteButton, PaletteDialog } from './components/palette.js';

export interface LayoutProps {
  title: string;
  user?: { email: string; role?: string };
  csrfToken?: string;
  engineProblem?: string;
  /** A newer Spur release (shown to owners). */
  update?: string;
  updateError?: string;
  /** Which main navigation entry the page belongs to. */
  section?: 'projects' | 'keys' | 'servers' | 'settings' | 'users' | 'account';
  /** Said once after a form post worked. */
  toast?: string;
  children?: Child;
}

// A refused form (4xx, its fields marked) and an error fragment are swapped in like any answer.
const HTMX_CONFIG = JSON.stringify({ responseHandling: [{ code: '204', swap: false }, { code: '[2345]..', swap: true, error: false }] });

/** Offers the owner a newer release; after a refused start it comes back alone with the reason. */
export function UpdateBanner(props: { version: string; csrf?: string; error?: string }) {
  return (
    <form id="update-spur" class="banner notice" method="post" action="/update" hx-post="/update" hx-target="this" hx-swap="outerHTML" {...busyAttrs(actionWords('update', { version: props.version }))}>
      <CsrfField token={props.csrf} />
      <span>
        Spur {props.version} is available; this is {VERSION}.
      </span>{' '}
      <button type="submit">Update to {props.version}</button>
      {props.error && (
        <p class="error" role="alert">
          {props.error}
        </p>
      )}
    </form>
  );
}

export function Layout(props: LayoutProps) {
  const current = (section: LayoutProps['section']) => (props.section === section ? 'page' : undefined);
  return (
    <>
    {raw('<!DOCTYPE html>')}
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{props.title} · Spur</title>
        <link rel="icon" href="/public/favicon.svg" type="image/svg+xml" />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <link rel="stylesheet" href="/public/app.css" />
        <script src="/public/theme.js"></script>
        <script src="/public/vendor/htmx.min.js" defer></script>
        <script src="/public/vendor/htmx-sse.min.js" defer></script>
        <script src="/public/logs.js" defer></script>
        <script src="/public/deployment-steps.js" defer></script>
        <script src="/public/ui.js" defer></script>
        <script src="/public/actions.js" defer></script>
        <script src="/public/palette.js" defer></script>
      </head>
      <body hx-headers={props.csrfToken ? JSON.stringify({ 'X-CSRF-Token': props.csrfToken }) : undefined}>
        <a class="skip" href="#main">Skip to content</a>
        <header class="top">
          <a href="/" class="brand">Spur</a>
          {props.user && (
            <>
              <nav class="main" aria-label="Main">
                <a href="/" aria-current={current('projects')}>Projects</a>
                <a href="/keys" aria-current={current('keys')}>SSH keys</a>
                {props.user.role === 'owner' && <a href="/servers" aria-current={current('servers')}>Servers</a>}
                {props.user.role === 'owner' && <a href="/settings" aria-current={current('settings')}>Settings</a>}
                {props.user.role === 'owner' && <a href="/users" aria-current={current('users')}>Users</a>}
                <PaletteButton />
              </nav>
              <nav class="account" aria-label="Account">
                <a href="/account" class="muted" aria-current={current('account')} title="Your account and API tokens">{props.user.email}</a>
                <button type="button" class="link" data-theme-toggle title="Switch between light and dark">Theme</button>
                <form method="post" action="/logout" class="inline">
                  <CsrfField token={props.csrfToken} />
                  <button type="submit" class="link">Log out</button>
                </form>
              </nav>
            </>
          )}
        </header>
        {props.engineProblem && (
          <div class="banner" role="alert">
            Docker: {props.engineProblem}
          </div>
        )}
        {props.update && <UpdateBanner version={props.update} csrf={props.csrfToken} error={props.updateError} />}
        <main id="main">
          <div id="flash" aria-live="polite">{props.toast && <div class="toast" role="status">{props.toast}</div>}</div>
          {props.children}
        </main>
        {props.user && <PaletteDialog />}
        <footer class="bottom">Spur {VERSION} <span class="commit" title="commit">{COMMIT}</span>{props.user && <> · press <kbd>?</kbd> for keyboard shortcuts</>}</footer>
      </body>
    </html>
    </>
  );
}

export function CsrfField(props: { token?: string }) {
  return props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;
}
