// Pages for people: the Users page (owners), one's own Account with API tokens, and a project's
// Members. Each form calls the same action as the API (actions/users.ts, then users/accounts.ts as the CLI,
// actions/members.ts) and answers in place (forms.ts).
import type { Context, Hono } from 'hono';
import type { FormState } from '../../views/components/form.js';
import { ApiReferencePage } from '../../views/pages/api-reference.js';
import { AccountPage, ApiTokens } from '../../views/pages/account.js';
import { AddMemberForm, Invitations, MembersPage, RemoveMemberForm, RoleForm, removeMemberFormId, roleFormId } from '../../views/pages/members.js';
import { AddUserForm, PasswordForm, RemoveUserForm, UsersPage, passwordFormId, removeFormId } from '../../views/pages/users.js';
import type { LayoutProps } from '../../views/layout.js';
import type { Deps } from '../deps.js';
import { InvalidFields, InvalidInput } from '../errors.js';
import { listProjectsFor } from '../actions/access.js';
import * as tokenOps from '../actions/tokens.js';
import * as users from '../actions/users.js';
import type { AuthEnv } from './auth.js';
import { answerForm, formErrors, redirectWithToast, typedValues } from './forms.js';
import { toHttpError } from './errors.js';
import type { Invited } from '../actions/invitations.js';
import * as ops from '../actions/index.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export function peoplePages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const user = (c: Context<AuthEnv>) => c.get('user');
  const csrf = (c: Context<AuthEnv>) => c.get('csrfToken');

  // Users (owners): a member is refused by the actions listUsers/addUser/… themselves (403).
  const usersPage = async (c: Context<AuthEnv>, forms?: Record<string, FormState>) => <UsersPage frame={frame(c)} users={await users.listUsers(deps, user(c))} forms={forms} />;
  web.get('/users', async (c) => c.html(await usersPage(c)));
  web.post('/users', (c) =>
    answerForm(c, {
      run: (body) => users.addUser(deps, user(c), body),
      done: (u) => ({ to: '/users', toast: u.canSignIn ? `${u.email} added as ${u.role}; they can sign in now` : `${u.email} added as ${u.role}; set a password so they can sign in` }),
      fragment: (state) => <AddUserForm csrf={csrf(c)} state={state} />,
      page: (state) => usersPage(c, { 'add-user': state }),
    }),
  );
  web.post('/users/:email/password', (c) => {
    const email = c.req.param('email');
    return answerForm(c, {
      run: (body) => users.resetPassword(deps, user(c), email, body.password),
      done: (done) => ({ to: '/users', toast: `Password set for ${done}; their browser sessions have ended` }),
      fragment: (state) => <PasswordForm email={email} csrf={csrf(c)} state={state} />,
      page: (state) => usersPage(c, { [passwordFormId(email)]: state }),
    });
  });
  web.post('/users/:email/remove', (c) => {
    const email = c.req.param('email');
    return answerForm(c, {
      run: () => users.deleteUser(deps, user(c), email),
      done: (removed) => ({ to: '/users', toast: `Removed ${removed}, with their sessions, API tokens, SSH keys and memberships` }),
      fragment: (state) => <RemoveUserForm email={email} csrf={csrf(c)} state={state} />,
      page: (state) => usersPage(c, { [removeFormId(email)]: state }),
    });
  });

  // Account: one's own API tokens (actions/tokens.ts, as the API). A new token's secret is in this one answer, never cached.
  const tokens = (c: Context<AuthEnv>) => tokenOps.listTokens(deps, user(c));
  const tokenForm = async (c: Context<AuthEnv>) => ({ tokens: await tokens(c), projects: (await listProjectsFor(deps.db, user(c))).map((p) => p.name) });
  web.get('/account', async (c) => c.html(<AccountPage frame={frame(c)} {...await tokenForm(c)} />));
  web.get('/api-reference', (c) => c.html(<ApiReferencePage frame={frame(c)} />));
  web.post('/account/tokens', async (c) => {
    const body = (await c.req.parseBody()) as Record<string, unknown>;
    let created: { name: string; token: string } | undefined;
    let state: FormState | undefined;
    try {
      created = await tokenOps.createToken(deps, user(c), { name: body.name, scope: body.scope, project: body.project, expiresIn: body.expiresIn });
    } catch (err) {
      if (!(err instanceof InvalidFields || err instanceof InvalidInput)) throw err;
      const values = Object.fromEntries(['name', 'scope', 'project', 'expiresIn'].map((k) => [k, typeof body[k] === 'string' ? (body[k] as string) : '']));
      state = { values, errors: err instanceof InvalidFields ? err.fields : { [err.field]: err.message } };
    }
    c.header('Cache-Control', 'no-store');
    const props = { ...(await tokenForm(c)), created, state };
    const html = c.req.header('HX-Request') ? <ApiTokens {...props} csrf={csrf(c)} /> : <AccountPage frame={frame(c)} {...props} />;
    return c.html(html, state ? 400 : 201);
  });
  web.post('/account/tokens/:id/revoke', (c) =>
    answerForm(c, {
      run: () => tokenOps.revokeToken(deps, user(c), c.req.param('id')),
      done: () => ({ to: '/account', toast: 'Token revoked: anything using it is refused from now on' }),
      // Only a malformed id is refused as input; a token that is not yours is "not found" (404).
      fragment: (state) => <p class="error" role="alert">{state.errors['']}</p>,
      page: async () => <AccountPage frame={frame(c)} {...await tokenForm(c)} />,
    }),
  );

  // A project's members (its admins and owners manage them; any other member may only leave; others get "not found").
  const membersPage = async (c: Context<AuthEnv>, forms?: Record<string, FormState>, invited?: Invited) => {
    const project = c.req.param('project')!;
    return <MembersPage frame={frame(c)} project={project} {...await ops.membersPageData(deps, user(c), project)} invited={invited} forms={forms} />;
  };
  web.get('/projects/:project/members', async (c) => c.html(await membersPage(c)));
  // A new invitation's link is in this one answer (not mailed), never cached.
  web.post('/projects/:project/invitations', async (c) => {
    const project = c.req.param('project');
    const body = (await c.req.parseBody()) as Record<string, unknown>;
    c.header('Cache-Control', 'no-store');
    const section = async (props: { invited?: Invited; state?: FormState }) =>
      c.req.header('HX-Request') ? <Invitations project={project} invitations={await ops.listInvitations(deps, user(c), project)} csrf={csrf(c)} {...props} /> : await membersPage(c, props.state && { invite: props.state }, props.invited);
    try {
      const invited = await ops.invite(deps, user(c), project, body);
      return c.html(await section({ invited }), 201);
    } catch (err) {
      const errors = formErrors(err);
      if (!errors) throw err;
      return c.html(await section({ state: { values: typedValues(body), errors } }), toHttpError(err).status);
    }
  });
  web.post('/projects/:project/invitations/:id/revoke', async (c) => {
    const { project, id } = c.req.param();
    const revoked = await ops.cancelInvitation(deps, user(c), project, id);
    return redirectWithToast(c, `/projects/${project}/members`, `The invitation of ${revoked.email} is revoked: its link no longer works`);
  });
  web.post('/projects/:project/leave', (c) => {
    const project = c.req.param('project');
    return answerForm(c, {
      run: () => ops.leaveProject(deps, user(c), project),
      done: () => ({ to: '/', toast: `You left ${project}` }),
      fragment: (state) => <p class="error" role="alert">{state.errors['']}</p>,
      page: (state) => membersPage(c, { leave: state }),
    });
  });
  web.post('/projects/:project/members/:email/role', (c) => {
    const { project, email } = c.req.param();
    return answerForm(c, {
      run: (body) => ops.addMember(deps, user(c), project, { email, role: body.role }),
      done: (m) => ({ to: `/projects/${project}/members`, toast: `${m.email} is now ${m.role === 'admin' ? 'an' : 'a'} ${m.role} of ${project}` }),
      fragment: async (state) => <RoleForm project={project} email={email} role={String(state.values.role ?? '')} csrf={csrf(c)} state={state} />,
      page: (state) => membersPage(c, { [roleFormId(email)]: state }),
    });
  });
  web.post('/projects/:project/members', (c) =>
    answerForm(c, {
      run: (body) =>
        ops.addMember(deps, user(c), c.req.param('project'), body).catch((err) => {
          if (err instanceof ops.NoSuchUser) throw new InvalidFields({ email: err.message });
          throw err;
        }),
      done: (m) => ({ to: `/projects/${c.req.param('project')}/members`, toast: `${m.email} is now ${m.role === 'admin' ? 'an' : 'a'} ${m.role} of ${c.req.param('project')}` }),
      fragment: (state) => <AddMemberForm project={c.req.param('project')} csrf={csrf(c)} state={state} />,
      page: (state) => membersPage(c, { 'add-member': state }),
    }),
  );
  web.post('/projects/:project/members/:email/remove', (c) => {
    const { project, email } = c.req.param();
    return answerForm(c, {
      run: () => ops.removeMember(deps, user(c), project, email),
      done: () => ({ to: `/projects/${project}/members`, toast: `${email} can no longer use ${project}` }),
      fragment: (state) => <RemoveMemberForm project={project} email={email} csrf={csrf(c)} state={state} />,
      page: (state) => membersPage(c, { [removeMemberFormId(email)]: state }),
    });
  });
}
