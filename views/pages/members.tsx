// A project's members (its admins and the owners manage them): who besides the owners may use
// the project, and in which role.
import { ConfirmForm } from '../components/confirm-form.js';
import { actionWords } from '../../src/actions/words.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';
import { CopyButton } from '../components/copy-button.js';
import { Time } from '../components/time.js';
import type { InvitationView, Invited } from '../../src/actions/invitations.js';
import type { MemberRow } from '../../src/store/access.js';

export interface MembersPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  project: string;
  /** Undefined: the user may not manage members (the page only offers to leave). */
  members?: MemberRow[];
  invitations?: InvitationView[];
  /** The invitation just made: its link shown this once when it was not mailed. */
  invited?: Invited;
  /** Whether the user is a member (and so may leave). */
  isMember: boolean;
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

export const roleFormId = (email: string) => `role-${Buffer.from(email).toString('hex')}`;

/** A member's role, changed in place (never the last admin's: refused beside it). */
export function RoleForm(props: { project: string; email: string; role: string; csrf?: string; state?: FormState }) {
  const id = roleFormId(props.email);
  const error = props.state?.errors.role ?? props.state?.errors[''];
  return (
    <PostForm id={id} action={`/projects/${props.project}/members/${encodeURIComponent(props.email)}/role`} csrf={props.csrf} state={props.state} class="inline">
      <select name="role" aria-label={`Role of ${props.email}`}>
        {Object.keys(ROLE_WORDS).map((role) => <option value={role} selected={role === props.role}>{role}</option>)}
      </select>
      <button type="submit">Change</button>
      {error && <span class="field-error" role="alert">{error}</span>}
    </PostForm>
  );
}

/** Invitations: the form, the link just made (shown once), and the pending ones with Revoke. */
export function Invitations(props: { project: string; invitations: InvitationView[]; invited?: Invited; csrf?: string; state?: FormState }) {
  const f = { form: 'invite', state: props.state };
  const action = `/projects/${props.project}/invitations`;
  const done = props.invited;
  return (
    <section id="invitations" aria-labelledby="invitations-title">
      <h2 id="invitations-title">Invite someone</h2>
      <p class="muted">By email, with a role no higher than your own. The invitation is a link that works once, for 7 days; whoever opens it joins {props.project} with that role (setting a password if they have no account yet).</p>
      {done && (
        <div class="new-token" role="status">
          {done.emailed ? <p><strong>Invitation sent to {done.invitation.email}.</strong></p> : (
            <>
              <p><strong>Invitation for {done.invitation.email} made.</strong> {done.mailError ? `Not mailed: ${done.mailError}.` : 'No email server is set up (Settings), so send them this link yourself.'} Copy it now: Spur does not show it again.</p>
              <span class="secret"><code id="invitation-link">{done.link}</code> <CopyButton text={done.link!} label="the invitation link" /></span>
            </>
          )}
        </div>
      )}
      <form id="invite" method="post" action={action} class="stack" hx-post={action} hx-target="#invitations" hx-swap="outerHTML">
        <CsrfField token={props.csrf} />
        {props.state?.errors[''] && <p class="error" role="alert">{props.state.errors['']}</p>}
        <Field {...f} name="email" label="Email" attrs={{ type: 'email', required: true, autocomplete: 'off', placeholder: 'ana@example.com' }} />
        <RolePicker selected={props.state?.values.role as string | undefined} />
        <button type="submit">Invite</button>
      </form>
      <h3>Pending invitations</h3>
      {props.invitations.length === 0 ? <p class="empty">No pending invitations.</p> : (
        <table>
          <thead>
            <tr><th>Email</th><th>Role</th><th>Invited by</th><th>Expires</th><th><span class="muted">Action</span></th></tr>
          </thead>
          <tbody>
            {props.invitations.map((i) => (
              <tr>
                <td>{i.email}</td>
                <td>{i.role}</td>
                <td>{i.invitedBy}</td>
                <td><Time at={i.expiresAt} /></td>
                <td>
                  <form method="post" action={`${action}/${i.id}/revoke`}>
                    <CsrfField token={props.csrf} />
                    <button type="submit" aria-label={`Revoke the invitation of ${i.email}`}>Revoke</button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function LeaveForm(props: { project: string; csrf?: string; state?: FormState }) {
  return (
    <PostForm id="leave" action={`/projects/${props.project}/leave`} csrf={props.csrf} state={props.state} confirm={`Leave ${props.project}? You can no longer see or change it.`}>
      <button type="submit">Leave {props.project}</button>
    </PostForm>
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
  const members = props.members;
  return (
    <Layout title={`${props.project}: members`} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}`}>{props.project}</a> /</p>
      <h1>Members of {props.project}</h1>
      <p class="muted">Each member has a role here: admins manage the project and its members, developers ship code, viewers read. Owners can always do everything in every project. A project keeps at least one admin.</p>
      {!members ? <p>Only the project's admins see and manage its members.</p> : members.length === 0 ? <p class="empty">No members: only owners use {props.project}.</p> : (
        <table>
          <thead>
            <tr><th>Email</th><th>Role</th><th>Since</th><th>Last seen</th><th><span class="muted">Action</span></th></tr>
          </thead>
          <tbody>
            {members.map((m) => (
              <tr>
                <td>{m.email}</td>
                <td><RoleForm project={props.project} email={m.email} role={m.role} csrf={csrf} state={props.forms?.[roleFormId(m.email)]} /></td>
                <td>{m.since ? <Time at={m.since} /> : <span class="muted">before invitations</span>}</td>
                <td>{m.lastSeenAt ? <Time at={m.lastSeenAt} /> : <span class="muted">not yet</span>}</td>
                <td>
                  <RemoveMemberForm project={props.project} email={m.email} csrf={csrf} state={props.forms?.[removeMemberFormId(m.email)]} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {members && <Invitations project={props.project} invitations={props.invitations ?? []} invited={props.invited} csrf={csrf} state={props.forms?.invite} />}
      {members && (
        <>
          <h2>Add an existing user</h2>
          <p class="muted">Someone who already has an account (an owner adds accounts on the <a href="/users">Users</a> page).</p>
          <AddMemberForm project={props.project} csrf={csrf} state={props.forms?.['add-member']} />
        </>
      )}
      {props.isMember && (
        <>
          <h2>Leave</h2>
          <LeaveForm project={props.project} csrf={csrf} state={props.forms?.leave} />
        </>
      )}
    </Layout>
  );
}
