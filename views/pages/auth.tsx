// The one-time setup page (claims the owner account) and the login page. A refused post keeps
// what was typed: with htmx only the error region is swapped (AuthError), so the fields, the
// password too, stay as they are; without JavaScript the page comes back with the email kept
// and no secret (token, password) written back into it.
import { Layout } from '../layout.js';

/** The region a refusal is written into; alone, the answer to a refused htmx post. */
export function AuthError(props: { id: 'setup-error' | 'login-error'; error?: string }) {
  return <div id={props.id} aria-live="assertive">{props.error && <p class="error" role="alert">{props.error}</p>}</div>;
}

/** What a refused setup or login gives back into its form: never a password or token. */
export interface KeptFields {
  email?: string;
  acmeEmail?: string;
}

export function SetupPage(props: { error?: string; askAcmeEmail?: boolean; kept?: KeptFields }) {
  return (
    <Layout title="Set up Spur">
      <h1>Set up Spur</h1>
      <p>Create the owner account. The setup token is printed in Spur's log and at the end of <code>install.sh</code>.</p>
      <AuthError id="setup-error" error={props.error} />
      <form method="post" action="/setup" class="stack" hx-post="/setup" hx-target="#setup-error" hx-swap="outerHTML">
        <label>Setup token <input name="token" required autocomplete="off" /></label>
        <label>Email <input name="email" type="email" required value={props.kept?.email} /></label>
        <label>Password <input name="password" type="password" minlength={10} required autocomplete="new-password" /></label>
        {props.askAcmeEmail && (
          <>
            <label>Address for certificate notices <input name="acmeEmail" type="email" aria-describedby="acme-email-hint" value={props.kept?.acmeEmail} /></label>
            <p id="acme-email-hint" class="muted">Optional. Given to the certificate authority, which writes here about certificates that are about to expire. Empty: the address above. You can change it in Settings.</p>
          </>
        )}
        <button type="submit">Create owner</button>
      </form>
    </Layout>
  );
}

/** `sso`: the label of single sign-on's button, when set up; `passwordLogin: false` hides the password form. */
export function LoginPage(props: { error?: string; next?: string; kept?: KeptFields; sso?: string | null; passwordLogin?: boolean }) {
  return (
    <Layout title="Log in">
      <h1>Log in</h1>
      <AuthError id="login-error" error={props.error} />
      {props.sso && (
        <form method="get" action="/login/sso" class="stack">
          <input type="hidden" name="next" value={props.next ?? '/'} />
          <button type="submit">Sign in with {props.sso}</button>
        </form>
      )}
      {props.passwordLogin !== false && (
        <form method="post" action="/login" class="stack" hx-post="/login" hx-target="#login-error" hx-swap="outerHTML">
          <input type="hidden" name="next" value={props.next ?? '/'} />
          <label>Email <input name="email" type="email" required autocomplete="username" value={props.kept?.email} /></label>
          <label>Password <input name="password" type="password" required autocomplete="current-password" /></label>
          <button type="submit">Log in</button>
        </form>
      )}
    </Layout>
  );
}
