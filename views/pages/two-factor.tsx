// Two-factor sign-in and sessions: the sign-in's code step, one's own security page (enrol with a
// QR code, recovery codes shown once, turn off; the list of one's sessions, each ended on its
// own or all but this one), the owner's "required of everyone" switch and a user's reset.
import { raw } from 'hono/html';
import type { Enrolment, TwoFactorStatus } from '../../src/actions/two-factor.js';
import type { SessionView } from '../../src/actions/sessions.js';
import { Time } from '../components/time.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

/** The second step of a sign-in: the password was right, now a code. */
export function CodePage(props: { error?: string; next?: string }) {
  return (
    <Layout title="Two-factor code">
      <h1>Two-factor code</h1>
      <p>Type the 6-digit code your authenticator app shows for Spur, or one of your recovery codes.</p>
      <CodeError error={props.error} />
      <form method="post" action="/login/code" class="stack" hx-post="/login/code" hx-target="#code-error" hx-swap="outerHTML">
        <input type="hidden" name="next" value={props.next ?? '/'} />
        <label>Code <input name="code" required autocomplete="one-time-code" inputmode="numeric" autofocus /></label>
        <button type="submit">Sign in</button>
      </form>
      <p><a href="/login">Start again</a></p>
    </Layout>
  );
}

/** Where a refused code is said; alone, the answer to a refused htmx post. */
export function CodeError(props: { error?: string }) {
  return <div id="code-error" aria-live="assertive">{props.error && <p class="error" role="alert">{props.error}</p>}</div>;
}

export interface SecurityProps {
  frame: Frame;
  status: TwoFactorStatus;
  sessions: SessionView[];
  /** An enrolment under way: the QR code and secret to add to an app. */
  enrolment?: Enrolment;
  /** Just confirmed: the recovery codes, shown this once. */
  recoveryCodes?: string[];
  /** The owner requires two-factor sign-in and this user has not set it up yet. */
  required?: boolean;
  errors?: { enrol?: string; disable?: string };
}

export function SecurityPage(props: SecurityProps) {
  const csrf = props.frame.csrfToken;
  return (
    <Layout title="Sign-in and sessions" section="account" {...props.frame}>
      <h1>Sign-in and sessions</h1>
      <section id="two-factor" aria-labelledby="two-factor-title">
        <h2 id="two-factor-title">Two-factor sign-in</h2>
        {props.required && !props.status.enabled && <p class="error" role="alert">Spur's owner requires two-factor sign-in. Set it up here to go on using Spur.</p>}
        <p class="muted">After your password, Spur asks for a code from an authenticator app. API tokens are not affected: a token signs in on its own.</p>
        {props.recoveryCodes ? (
          <div class="new-token" role="status">
            <p><strong>Two-factor sign-in is on.</strong> Keep these recovery codes somewhere safe: each signs you in once without your phone. Spur does not show them again.</p>
            <ul id="recovery-codes">{props.recoveryCodes.map((c) => <li><code>{c}</code></li>)}</ul>
            <p><a href="/account/two-factor">Done</a></p>
          </div>
        ) : props.status.enabled ? (
          <>
            <p id="two-factor-state"><strong>On.</strong> {props.status.recoveryCodesLeft} of 10 recovery codes left.</p>
            <form method="post" action="/account/two-factor/disable" class="stack">
              <CsrfField token={csrf} />
              {props.errors?.disable && <p class="error" role="alert">{props.errors.disable}</p>}
              <label>Current code <input name="code" autocomplete="one-time-code" inputmode="numeric" /></label>
              <label>or your password <input name="password" type="password" autocomplete="current-password" /></label>
              <button type="submit">Turn off two-factor sign-in</button>
            </form>
          </>
        ) : props.enrolment ? (
          <>
            <p>Scan this code with your authenticator app, or type the secret into it. Then type the code it shows.</p>
            <figure class="qr" aria-label="QR code of the two-factor secret">{raw(props.enrolment.qrSvg)}</figure>
            <p>Secret: <code id="two-factor-secret">{props.enrolment.secret}</code></p>
            <form method="post" action="/account/two-factor/confirm" class="stack">
              <CsrfField token={csrf} />
              {props.errors?.enrol && <p class="error" role="alert">{props.errors.enrol}</p>}
              <label>Code from the app <input name="code" required autocomplete="one-time-code" inputmode="numeric" /></label>
              <button type="submit">Turn on two-factor sign-in</button>
            </form>
          </>
        ) : (
          <>
            <p id="two-factor-state"><strong>Off.</strong></p>
            <form method="post" action="/account/two-factor/start">
              <CsrfField token={csrf} />
              <button type="submit">Set up two-factor sign-in</button>
            </form>
          </>
        )}
      </section>
      <Sessions sessions={props.sessions} csrf={csrf} />
    </Layout>
  );
}

function Sessions(props: { sessions: SessionView[]; csrf?: string }) {
  return (
    <section id="sessions" aria-labelledby="sessions-title">
      <h2 id="sessions-title">Sessions</h2>
      <p class="muted">The browsers signed in to your account. Ending one signs that browser out.</p>
      <table>
        <thead>
          <tr><th>Device</th><th>Address</th><th>Signed in</th><th>Last seen</th><th><span class="muted">Action</span></th></tr>
        </thead>
        <tbody>
          {props.sessions.map((s) => (
            <tr data-session={s.id}>
              <td>{s.device}{s.current && <> <strong>(this one)</strong></>}</td>
              <td>{s.address ?? <span class="muted">unknown</span>}</td>
              <td><Time at={s.createdAt} /></td>
              <td>{s.lastSeenAt ? <Time at={s.lastSeenAt} /> : <span class="muted">never</span>}</td>
              <td>
                <form method="post" action={`/account/sessions/${s.id}/end`} class="inline">
                  <CsrfField token={props.csrf} />
                  <button type="submit" aria-label={`End the session of ${s.device}${s.current ? ' (this one)' : ''}`}>{s.current ? 'Sign out' : 'End'}</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {props.sessions.some((s) => !s.current) && (
        <form method="post" action="/account/sessions/end-others">
          <CsrfField token={props.csrf} />
          <button type="submit">Sign out everywhere else</button>
        </form>
      )}
    </section>
  );
}

/** The owner's switch, on the Settings page. */
export function RequireTwoFactorForm(props: { required: boolean; csrf?: string }) {
  return (
    <section id="require-two-factor" aria-labelledby="require-two-factor-title">
      <h2 id="require-two-factor-title">Two-factor sign-in</h2>
      <form method="post" action="/settings/two-factor" class="stack">
        <CsrfField token={props.csrf} />
        <label><input type="checkbox" name="required" value="on" checked={props.required} /> Require two-factor sign-in of everyone</label>
        <p class="muted">Users without it are sent to set it up after they sign in and can do nothing else until they have. API tokens are not affected.</p>
        <button type="submit">Save</button>
      </form>
    </section>
  );
}

/** On the Users page, beside a user who has two-factor sign-in on. */
export function ResetTwoFactorForm(props: { email: string; csrf?: string }) {
  return (
    <form method="post" action={`/users/${encodeURIComponent(props.email)}/two-factor/reset`} class="inline">
      <CsrfField token={props.csrf} />
      <button type="submit" aria-label={`Reset two-factor sign-in of ${props.email}`}>Reset two-factor</button>
    </form>
  );
}
