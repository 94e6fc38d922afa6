// One's own account: who you are and your API tokens (the CLI's and scripts' keys to the API).
// A new token's secret is shown here once, with a copy button; Spur keeps only its hash.
import { ConfirmForm } from '../components/confirm-form.js';
import { actionWords } from '../../src/actions/words.js';
import { CopyButton } from '../components/copy-button.js';
import { Field, type FormState } from '../components/form.js';
import { Time } from '../components/time.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

export interface TokenRow { id: number; name: string; createdAt: string; lastUsedAt: string | null }

export interface TokensProps {
  tokens: TokenRow[];
  csrf?: string;
  /** The token just created: its secret, shown this once. */
  created?: { name: string; token: string };
  state?: FormState;
}

export const revokeFormId = (id: number) => `revoke-token-${id}`;

/** The whole token section: it is what a create answers with, so the list and the new secret arrive together. */
export function ApiTokens(props: TokensProps) {
  const f = { form: 'create-token', state: props.state };
  const error = props.state?.errors[''];
  return (
    <section id="api-tokens" aria-labelledby="api-tokens-title">
      <h2 id="api-tokens-title">API tokens</h2>
      <p class="muted">For the <code>spur</code> command line and scripts: <code>spur login</code> asks for one. Each token acts as you.</p>
      {props.created && (
        <div class="new-token" role="status">
          <p><strong>Token {props.created.name} created.</strong> Copy it now: Spur does not show it again.</p>
          <span class="secret"><code>{props.created.token}</code> <CopyButton text={props.created.token} label={`the token ${props.created.name}`} /></span>
        </div>
      )}
      {props.tokens.length === 0 ? <p class="empty">No API tokens yet.</p> : (
        <table>
          <thead>
            <tr><th>Name</th><th>Created</th><th>Last used</th><th><span class="muted">Action</span></th></tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr>
                <td>{t.name}</td>
                <td>{<Time at={t.createdAt} />}</td>
                <td>{t.lastUsedAt ? <Time at={t.lastUsedAt} /> : <span class="muted">never</span>}</td>
                <td>
                  <ConfirmForm id={revokeFormId(t.id)} action={`/account/tokens/${t.id}/revoke`} csrf={props.csrf} label={`Revoke ${t.name}`}
                    words={actionWords('revokeToken', { name: t.name })}>
                    Revoke
                  </ConfirmForm>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form id="create-token" method="post" action="/account/tokens" class="stack" hx-post="/account/tokens" hx-target="#api-tokens" hx-swap="outerHTML">
        <CsrfField token={props.csrf} />
        {error && <p class="error" role="alert">{error}</p>}
        <Field {...f} name="name" label="Name of a new token" attrs={{ required: true, maxlength: 64, placeholder: 'laptop', autocomplete: 'off' }} />
        <button type="submit">Create token</button>
      </form>
    </section>
  );
}

export function AccountPage(props: { frame: Omit<LayoutProps, 'title' | 'children'> } & Omit<TokensProps, 'csrf'>) {
  const user = props.frame.user;
  return (
    <Layout title="Account" section="account" {...props.frame}>
      <h1>Account</h1>
      {user && <p>Signed in as <strong>{user.email}</strong> ({user.role === 'owner' ? 'owner' : 'member'}). An owner can set your password on the Users page.</p>}
      <p><a href="/account/two-factor">Two-factor sign-in and sessions</a>: set up codes from an authenticator app, see where you are signed in and sign other browsers out.</p>
      <ApiTokens tokens={props.tokens} csrf={props.frame.csrfToken} created={props.created} state={props.state} />
    </Layout>
  );
}
