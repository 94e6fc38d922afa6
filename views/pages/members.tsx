// A project's members (its admins and the owners manage them): who besides the owners may use
// the project, and in which role.
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

/** What each role may, in the words of the role picker. */
export const ROLE_WORDS: Record<string, string> = {
  admin: 'Admin: everything in this project, including members, deletion, domains, databases and variable values',
  developer: 'Developer: deploy, roll back, read logs, change services and variables (not their values)',
  viewer: 'Viewer: reads status, deployments and logs; changes nothing, sees no values',
};

function RolePicker(props: { selected?: string }) {
  const selected = props.selected || 'developer';
  return (
    <label class="field">
      <span>Role</span>
      <select name="role">
        {Object.entries(ROLE_WORDS).map(([role, words]) => <option value={role} selected={role === selected}>{words}</option>)}
      </select>
    </label>
  );
}

export function AddMemberForm(props: { project: string; csrf?: string; state?: FormState }) {
  return (
    <PostForm id="add-member" action={`/projects/${props.project}/members`} csrf={props.csrf} state={props.state} class="stack">
      <Field form="add-member" state={props.state} name="email" label="Email of a user" attrs={{ type: 'email', required: true, autocomplete: 'off', placeholder: 'ana@example.com' }} />
      <RolePicker selected={props.state?.values.role as string | undefined} />
      <button type="submit">Add member or change their role</button>
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
      <p class="muted">Each member has a role here: admins manage the project and its members, developers ship code, viewers read. Owners can always do everything in every project.</p>
      {props.members.length === 0 ? <p class="empty">No members: only owners use {props.project}.</p> : (
        <table>
          <thead>
            <tr><th>Email</th><th>Role</th><th><span class="muted">Action</span></th></tr>
          </thead>
          <tbody>
            {props.members.map((m) => (
              <tr>
                <td>{m.email}</td>
                <td>{m.role}</td>
                <td>
                  <RemoveMemberForm project={props.project} email={m.email} csrf={csrf} state={props.forms?.[removeMemberFormId(m.email)]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Add a member or change a role</h2>
      <p class="muted">They need an account first: an owner adds it on the <a href="/users">Users</a> page.</p>
      <AddMemberForm project={props.project} csrf={csrf} state={props.forms?.['add-member']} />
    </Layout>
  );
}
