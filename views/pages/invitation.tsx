// The page an invitation's link opens: which project, which role, who invited; accepting it as the
// signed-in user, or by setting a password for a new account with the invited email.
import { Layout } from '../layout.js';

export interface InvitationPageProps {
  project: string;
  role: string;
  email: string;
  invitedBy: string;
  expiresAt: string;
  /** The signed-in user, if any (with their form token). */
  signedIn?: { email: string; csrf: string };
  hasAccount: boolean;
  action: string;
  error?: string;
}

export function InvitationPage(props: InvitationPageProps) {
  const article = props.role === 'admin' ? 'an' : 'a';
  const other = props.signedIn && props.signedIn.email !== props.email;
  return (
    <Layout title={`Invitation to ${props.project}`}>
      <h1>Join {props.project}</h1>
      <p>{props.invitedBy} invites <strong>{props.email}</strong> to the project <strong>{props.project}</strong> as {article} <strong>{props.role}</strong>. The link works once, until {props.expiresAt}.</p>
      <div id="invitation-error" aria-live="assertive">{props.error && <p class="error" role="alert">{props.error}</p>}</div>
      {props.signedIn && !other ? (
        <form method="post" action={props.action} class="stack">
          <input type="hidden" name="_csrf" value={props.signedIn.csrf} />
          <button type="submit">Join {props.project} as {article} {props.role}</button>
        </form>
      ) : other ? (
        <p>You are signed in as {props.signedIn!.email}. This invitation is for {props.email}: log out, then open the link again.</p>
      ) : props.hasAccount ? (
        <p>There is already an account for {props.email}. <a href={`/login?next=${encodeURIComponent(props.action)}`}>Log in</a>, then open the link again.</p>
      ) : (
        <form method="post" action={props.action} class="stack">
          <label>Email <input name="email" type="email" value={props.email} readonly autocomplete="username" /></label>
          <label>Password <input name="password" type="password" minlength={10} required autocomplete="new-password" /></label>
          <p class="muted">At least 10 characters. Your account's email is the one invited.</p>
          <button type="submit">Create account and join {props.project}</button>
        </form>
      )}
    </Layout>
  );
}
