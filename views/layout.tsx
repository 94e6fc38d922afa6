// The page frame: skip link, navigation, Docker banner, flash area, footer with the version, and
// the htmx wiring with the CSRF header.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import { mayDo } from '../src/actions/access.js';
import { COMMIT, VERSION } from '../src/version.js';
import { actionWords, busyAttrs } from '../src/actions/words.js';
import { PaletteButton, PaletteDialog } from './components/palette.js';

export interface LayoutProps {
  title: string;
  user?: { email: string; role?: string };
  csrfToken?: string;
  daemonProblem?: string;
  /** A newer Spur release (shown to owners). */
  update?: string;
  updateError?: string;
  /** Which main navigation entry the page belongs to. */
  section?: 'projects' | 'keys' | 'servers' | 'settings' | 'account';
  /** Said once after a form post worked. */
  toast?: string;
  /** Where "Skip to content" lands (an element id): past the page's own navigation (breadcrumbs,
   *  environments, tabs) to what the page is for. Default: the top of <main>. */
  skipTo?: string;
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
        <script src="/public/look.js" defer></script>
      </head>
      <body hx-headers={props.csrfToken ? JSON.stringify({ 'X-CSRF-Token': props.csrfToken }) : undefined}>
        <a class="skip" href={`#${props.skipTo ?? 'main'}`}>Skip to content</a>
        <header class="top">
          {/* Out of the Tab order once signed in: "Projects" goes to the same page. */}
          <a href="/" class="brand" tabindex={props.user ? -1 : undefined}>Spur</a>
          {props.user && (
            <>
              <nav class="main" aria-label="Main">
                <a href="/" aria-current={current('projects')}>Projects</a>
                <a href="/keys" aria-current={current('keys')}>SSH keys</a>
                {mayDo(props.user, 'servers.manage') && <a href="/servers" aria-current={current('servers')}>Servers</a>}
                {mayDo(props.user, 'settings.change') && <a href="/settings" aria-current={current('settings')}>Settings</a>}
                <PaletteButton />
              </nav>
              <AccountMenu email={props.user.email} csrf={props.csrfToken} current={props.section === 'account'} />
            </>
          )}
        </header>
        {props.daemonProblem && (
          <div class="banner" role="alert">
            Docker: {props.daemonProblem}
          </div>
        )}
        {props.update && <UpdateBanner version={props.update} csrf={props.csrfToken} error={props.updateError} />}
        <main id="main" tabindex={-1}>
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

/** Who is signed in, the theme switch and log out: one Tab stop in the header, opened on demand. */
function AccountMenu(props: { email: string; csrf?: string; current: boolean }) {
  return (
    <details class="account">
      <summary aria-label={`Account: ${props.email}`}><span class="who">{props.email}</span></summary>
      <div class="menu">
        <p class="muted">Signed in as {props.email}</p>
        <a href="/account" aria-current={props.current ? 'page' : undefined}>Account and API tokens</a>
        <button type="button" class="link" data-theme-toggle title="Switch between light and dark">Theme</button>
        <form method="post" action="/logout" class="inline">
          <CsrfField token={props.csrf} />
          <button type="submit" class="link">Log out</button>
        </form>
      </div>
    </details>
  );
}

export function CsrfField(props: { token?: string }) {
  return props.token ? <input type="hidden" name="_csrf" value={props.token} /> : null;
}
