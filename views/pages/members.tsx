// A project's members (owners manage them): who besides the owners may use the project.
import { ConfirmForm } from '../components/confirm-form.js';
import { actionWords } from '../../src/actions/words.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';

export interface MembersPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  project: string;
  members: { email: string; role: string }[];
  forms?: Record<string, FormState>;
}

export const removeMemberFormId = (email: string) => `remove-member-${Buffer.from(email).toString('hex')}`;

export function AddMemberForm(props: { project: string; csrf?: string; state?: FormState }) {
  return (
    <PostForm id="add-member" action={`/projects/${props.project}/members`} csrf={props.csrf} state={props.state} class="stack">
      <Field form="add-member" state={props.state} name="email" label="Email of a user" attrs={{ type: 'email', required: true, autocomplete: 'off', placeholder: 'ana@example.com' }} />
      <button type="submit">Add member</button>
    </PostForm>
  );
}

export function RemoveMemberForm(props: { project: string; email: string; csrf?: string; state?: FormState }) {
  const { project, email } = props;
  return (
    <ConfirmForm id={removeMemberFormId(email)} action={`/projects/${project}/members/${encodeURIComponent(email)}/remove`} csrf={props.csrf} state={props.state}
      label={`Remove ${email} from ${project}`} words={actionWords('removeMember', { email, project })}>
      Remove
    </ConfirmForm>
  );
}

export function MembersPage(props: MembersPageProps) {
  const csrf = props.frame.csrfToken;
  return (
    <Layout title={`${props.project}: members`} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> /</p>
      <h1>Members of {props.project}</h1>
      <p class="muted">Members can see and change this project; some things stay with owners, such as deleting it. Owners can always use every project.</p>
      {props.members.length === 0 ? <p class="empty">No members: only owners use {props.project}.</p> : (
        <table>
          <thead>
            <tr><th>Email</th><th>Role</th><th><span class="muted">Action</span></th></tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr>
                <td>{m.email}</td>
                <td>{m.role === 'owner' ? 'owner: uses every project anyway' : 'member'}</td>
                <td>
                  <RemoveMemberForm project={props.project} email={m.email} csrf={csrf} state={props.forms?.[removeMemberFormId(m.email)]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a member</h2>
      <p class="muted">They need an account first: an owner adds it on the <a href="/users">Users</a> page.</p>
      <AddMemberForm project={props.project} csrf={csrf} state={props.forms?.['add-member']} />
    </Layout>
  );
}
