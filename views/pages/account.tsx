// One's own account: who you are and your API tokens (the CLI's and scripts' keys to the API).
// A new token's secret is shown here once, with a copy button; Spur keeps only its hash.
import { ConfirmForm } from '../components/confirm-form.js';
import { actionWords } from '../../src/actions/words.js';
import { CopyButton } from '../components/copy-button.js';
import { Field, type FormState } from '../components/form.js';
import { Time } from '../components/time.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

export interface TokenRow { id: number; name: string; scope: string; project: string | null; expiresAt: string | null; createdAt: string; lastUsedAt: string | null }

/** What each scope lets a token do (actions/access.ts, MAY's `scope`), never more than its user may. */
const SCOPE_WORDS: Record<string, string> = {
  read: 'Read: status, deployments, logs, variable names; changes nothing, sees no secret',
  deploy: 'Deploy: read, and deploy, roll back, cancel',
  admin: 'Admin: everything you may',
};
const EXPIRY_WORDS: [string, string][] = [['30d', 'in 30 days'], ['90d', 'in 90 days'], ['365d', 'in a year'], ['', 'never']];

function Choice(props: { name: string; label: string; selected?: string; options: [string, string][]; error?: string }) {
  return (
    <label class={props.error ? 'field invalid' : 'field'}>
      <span>{props.label}</span>
      <select name={props.name}>
        {props.options.map(([value, words]) => <option value={value} selected={value === (props.selected ?? '')}>{words}</option>)}
      </select>
      {props.error && <p class="field-error" role="alert">{props.error}</p>}
    </label>
  );
}

export interface TokensProps {
  tokens: TokenRow[];
  /** Projects a new token may be bound to (the user's). */
  projects: string[];
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
      <p class="muted">For the <code>spur</code> command line and scripts: <code>spur login</code> asks for one. Each token acts as you, within its scope and project, and never does more than you may. What the API offers is in its <a href="/api-reference">reference</a>.</p>
      {props.created && (
        <div class="new-token" role="status">
          <p><strong>Token {props.created.name} created.</strong> Copy it now: Spur does not show it again.</p>
          <span class="secret"><code>{props.created.token}</code> <CopyButton text={props.created.token} label={`the token ${props.created.name}`} /></span>
        </div>
      )}
      {props.tokens.length === 0 ? <p class="empty">No API tokens yet.</p> : (
        <table>
          <thead>
            <tr><th>Name</th><th>Scope</th><th>Project</th><th>Expires</th><th>Last used</th><th>Created</th><th><span class="muted">Action</span></th></tr>
          </thead>
          <tbody>
            {props.tokens.map((t) => (
              <tr>
                <td>{t.name}</td>
                <td>{t.scope}</td>
                <td>{t.project ?? <span class="muted">every project</span>}</td>
                <td>{t.expiresAt ? <Time at={t.expiresAt} /> : <span class="muted">never</span>}</td>
                <td>{t.lastUsedAt ? <Time at={t.lastUsedAt} /> : <span class="muted">never</span>}</td>
                <td>{<Time at={t.createdAt} />}</td>
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
        <Choice name="scope" label="Scope" selected={(props.state?.values.scope as string | undefined) || 'read'} options={Object.entries(SCOPE_WORDS)} error={props.state?.errors.scope} />
        <Choice name="project" label="Project" selected={props.state?.values.project as string | undefined} options={[['', 'Every project you may use'], ...props.projects.map((p): [string, string] => [p, `Only ${p}`])]} error={props.state?.errors.project} />
        <Choice name="expiresIn" label="Expires" selected={(props.state?.values.expiresIn as string | undefined) ?? '90d'} options={EXPIRY_WORDS} error={props.state?.errors.expiresIn} />
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
      <ApiTokens tokens={props.tokens} projects={props.projects} csrf={props.frame.csrfToken} created={props.created} state={props.state} />
    </Layout>
  );
}
