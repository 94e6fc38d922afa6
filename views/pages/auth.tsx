// The one-time setup page (claims the owner account) and the login page.
import { Layout } from '../layout.js';

export function SetupPage(props: { error?: string; askAcmeEmail?: boolean }) {
  return (
    <Layout title="Set up Spur">
      <h1>Set up Spur</h1>
      <p>Create the owner account. The setup token is printed in Spur's log and at the end of <code>install.sh</code>.</p>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <form method="post" action="/setup" class="stack">
        <label>Setup token <input name="token" required autocomplete="off" /></label>
        <label>Email <input name="email" type="email" required /></label>
        <label>Password <input name="password" type="password" minlength={10} required /></label>
        {props.askAcmeEmail && (
          <>
            <label>Address for certificate notices <input name="acmeEmail" type="email" aria-describedby="acme-email-hint" /></label>
            <p id="acme-email-hint" class="muted">Optional. Given to the certificate authority, which writes here about certificates that are about to expire. Empty: the address above. You can change it in Settings.</p>
          </>
        )}
        <button type="submit">Create owner</button>
      </form>
    </Layout>
  );
}

export function LoginPage(props: { error?: string; next?: string }) {
  return (
    <Layout title="Log in">
      <h1>Log in</h1>
      {props.error && <p class="error" role="alert">{props.error}</p>}
      <form method="post" action="/login" class="stack">
        <input type="hidden" name="next" value={props.next ?? '/'} />
        <label>Email <input name="email" type="email" required /></label>
        <label>Password <input name="password" type="password" required /></label>
        <button type="submit">Log in</button>
      </form>
    </Layout>
  );
}
