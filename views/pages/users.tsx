// The people who may use Spur (owners only): who they are, their role, when they were last
// active; add one, set a password, remove one. Same operations as `spur user` and /api/v1/users.
import { ResetTwoFactorForm } from './two-factor.js';
import { ConfirmForm } from '../components/confirm-form.js';
import { actionWords } from '../../src/actions/words.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Time } from '../components/time.js';
import { Layout, type LayoutProps } from '../layout.js';
import { SettingsTabs } from '../components/settings-tabs.js';

export interface UserRow { email: string; role: 'owner' | 'member'; createdAt: string; canSignIn: boolean; lastActiveAt: string | null; twoFactor?: boolean }

export interface UsersPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  users: UserRow[];
  /** Refused forms by id, with what was typed. */
  forms?: Record<string, FormState>;
}

/** Form ids built from an email: hex keeps them valid and distinct for every address. */
const idFor = (kind: string, email: string) => `${kind}-${Buffer.from(email).toString('hex')}`;
export const passwordFormId = (email: string) => idFor('password', email);
export const removeFormId = (email: string) => idFor('remove-user', email);
export const userPath = (email: string) => `/users/${encodeURIComponent(email)}`;

export function AddUserForm(props: { csrf?: string; state?: FormState }) {
  const f = { form: 'add-user', state: props.state };
  const role = props.state?.values.role ?? 'member';
  return (
    <PostForm id="add-user" action="/users" csrf={props.csrf} state={props.state} class="stack">
      <Field {...f} name="email" label="Email" attrs={{ type: 'email', required: true, autocomplete: 'off', placeholder: 'ana@example.com' }} />
      <label class="field">
        <span>Role</span>
        <select name="role">
          <option value="member" selected={role === 'member'}>Member: sees only the projects they are added to</option>
          <option value="owner" selected={role === 'owner'}>Owner: everything, including servers, settings and users</option>
        </select>
      </label>
      <Field {...f} name="password" label="Password (optional, at least 10 characters)" keep={false} attrs={{ type: 'password', autocomplete: 'new-password', minlength: 10 }}>
        <span class="muted">Leave it empty to set one later with "Set password"; until then they cannot sign in here.</span>
      </Field>
      <button type="submit">Add user</button>
    </PostForm>
  );
}

export function PasswordForm(props: { email: string; csrf?: string; state?: FormState }) {
  const id = passwordFormId(props.email);
  return (
    <PostForm id={id} action={`${userPath(props.email)}/password`} csrf={props.csrf} state={props.state} class="row">
      <Field form={id} name="password" state={props.state} keep={false} label={`New password for ${props.email}`} attrs={{ type: 'password', required: true, minlength: 10, autocomplete: 'new-password' }} />
      <button type="submit">Set password</button>
    </PostForm>
  );
}

export function RemoveUserForm(props: { email: string; csrf?: string; state?: FormState }) {
  return (
    <ConfirmForm id={removeFormId(props.email)} action={`${userPath(props.email)}/remove`} csrf={props.csrf} state={props.state} label={`Remove ${props.email}`}
      words={actionWords('removeUser', { email: props.email })}>
      Remove
    </ConfirmForm>
  );
}

export function UsersPage(props: UsersPageProps) {
  const csrf = props.frame.csrfToken;
  const me = props.frame.user?.email;
  return (
    <Layout title="Users" section="settings" {...props.frame}>
      <h1>Users</h1>
      <SettingsTabs current="users" />
      <p class="muted">Owners see and change everything. Members see only the projects they are added to, from each project's Members page.</p>
      <table>
        <thead>
          <tr><th>Email</th><th>Role</th><th>Sign-in</th><th>Last active</th><th>Added</th><th><span class="muted">Actions</span></th></tr>
        </thead>
        <tbody>
          {props.users.map((u) => (
            <tr>
              <td>{u.email}{u.email === me && <span class="muted"> (you)</span>}</td>
              <td>{u.role}</td>
              <td>{u.canSignIn ? 'Password set' : 'No password yet'}{u.twoFactor && ', two-factor on'}</td>
              <td>{u.lastActiveAt ? <Time at={u.lastActiveAt} /> : <span class="muted">never</span>}</td>
              <td>{<Time at={u.createdAt} />}</td>
              <td>
                <details open={!!props.forms?.[passwordFormId(u.email)]}>
                  <summary>Set password</summary>
                  <PasswordForm email={u.email} csrf={csrf} state={props.forms?.[passwordFormId(u.email)]} />
                </details>
                {u.twoFactor && u.email !== me && <ResetTwoFactorForm email={u.email} csrf={csrf} />}
                {u.email === me ? <span class="muted">Another owner can remove you.</span> : <RemoveUserForm email={u.email} csrf={csrf} state={props.forms?.[removeFormId(u.email)]} />}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h2>Add a user</h2>
      <AddUserForm csrf={csrf} state={props.forms?.['add-user']} />
    </Layout>
  );
}
