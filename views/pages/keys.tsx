// The user's SSH keys, used to `git push` to Spur.
import { Field, type FormState, PostForm } from '../components/form.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';
import { actionAttrs, actionWords } from '../../src/actions/words.js';

export interface KeysPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  keys: { id: number; name: string; algorithm: string; fingerprint: string; createdAt: string }[];
  addKey?: FormState;
}

export function AddKeyForm(props: { csrf?: string; state?: FormState }) {
  const f = { form: 'add-key', state: props.state };
  return (
    <PostForm id="add-key" action="/keys" csrf={props.csrf} state={props.state} class="stack">
      <Field {...f} name="key" label="Public key" as="textarea" attrs={{ rows: 3, required: true, placeholder: 'ssh-ed25519 AAAA… you@laptop' }} />
      <Field {...f} name="name" label="Name" attrs={{ placeholder: 'laptop' }} />
      <button type="submit">Add key</button>
    </PostForm>
  );
}

export function KeysPage(props: KeysPageProps) {
  const csrf = props.frame.csrfToken;
  return (
    <Layout title="SSH keys" section="keys" {...props.frame}>
      <h1>SSH keys</h1>
      <p class="muted">Keys you can <code>git push</code> to Spur with. ed25519, ECDSA, or RSA of 3072 bits or more.</p>
      {props.keys.length === 0 ? <p class="empty">No keys yet. Add your public key below, then <code>git push</code> to Spur.</p> : (
      <table>
        <thead>
          <tr><th>Name</th><th>Fingerprint</th><th>Algorithm</th><th><span class="muted">Action</span></th></tr>
        </thead>
        <tbody>
          {props.keys.map((k) => (
            <tr>
              <td>{k.name}</td>
              <td data-label="Fingerprint"><code>{k.fingerprint}</code></td>
              <td class="muted" data-label="Algorithm">{k.algorithm}</td>
              <td>
                <form method="post" action={`/keys/${k.id}/remove`} {...actionAttrs(actionWords('removeKey', { name: k.name }))}>
                  <CsrfField token={csrf} />
                  <button type="submit" aria-label={`Remove ${k.name}`}>Remove</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      )}
      <h2>Add a key</h2>
      <AddKeyForm csrf={csrf} state={props.addKey} />
    </Layout>
  );
}
