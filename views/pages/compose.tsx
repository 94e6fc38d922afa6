// A Compose app's page: its services, its group deployments in one environment (each member's
// deployment, a Roll back to each that served), Deploy, the file (shown to admins, who may also
// see the variables' values; anyone who may create services can replace it) and deletion. The
// project page's form adds an app.
import type { ComposeDeploymentView } from '../../src/actions/compose.js';
import type { May } from '../../src/actions/page-data.js';
import { actionAttrs, actionWords, busyAttrs } from '../../src/actions/words.js';
import { DeleteForm } from '../components/delete-form.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Time } from '../components/time.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

export interface ComposePageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  project: string;
  environment: string;
  environments: string[];
  app: { name: string; services: string[]; updatedAt: string; repository: { url: string; branch: string; path: string } | null };
  deployments: ComposeDeploymentView[];
  /** The saved file and .env, for a role that may see variables' values; null otherwise. */
  file: { file: string; env: string } | null;
  may: May;
  /** Whether this role deploys and rolls back here at once (in a protected environment only an admin does). */
  atOnce: { deploy: boolean; rollback: boolean };
  forms?: Record<string, FormState>;
}

const appPath = (project: string, app: string, sub = '', environment?: string) => `/projects/${project}/compose/${app}${sub}${environment ? `?env=${environment}` : ''}`;

const badge = (status: string) => <span class={`badge badge-${status === 'deploying' ? 'deploying' : status === 'active' ? 'active' : status === 'failed' ? 'failed' : 'superseded'}`}>{status}</span>;

/** The group deployments; while one runs, the table asks for itself again every two seconds. */
export function ComposeDeployments(props: { project: string; app: string; environment: string; deployments: ComposeDeploymentView[]; mayRollback: boolean; csrf?: string }) {
  const running = props.deployments.some((d) => d.status === 'deploying');
  const serving = props.deployments.find((d) => d.status === 'active');
  const poll = running ? { 'hx-get': appPath(props.project, props.app, '/deployments', props.environment), 'hx-trigger': 'every 2s', 'hx-swap': 'outerHTML' } : {};
  return (
    <div id="compose-deployments" {...poll}>
      {props.deployments.length === 0 ? (
        <p class="muted">Not deployed in {props.environment} yet.</p>
      ) : (
        <table>
          <thead>
            <tr><th>#</th><th>Status</th><th>Services</th><th>When</th><th></th></tr>
          </thead>
          <tbody>
            {props.deployments.map((d) => (
              <tr>
                <td>#{d.id}{d.rollbackOf ? <span class="muted"> (back to #{d.rollbackOf})</span> : null}</td>
                <td>{badge(d.status)}{d.failureReason && <p class="error">{d.failureReason}</p>}</td>
                <td>
                  <ul class="plain">
                    {d.members.map((m) => (
                      <li>
                        {m.service}: {m.deployment === null ? <span class="muted">waiting</span> : <a href={`/deployments/${m.deployment}`}>#{m.deployment}</a>} {m.status && <span class="muted">{m.status}</span>} {!m.changed && <span class="muted">(unchanged)</span>}
                      </li>
                    ))}
                  </ul>
                </td>
                <td><Time at={d.createdAt} /></td>
                <td>
                  {props.mayRollback && d.status === 'superseded' && serving && !running && (
                    <form method="post" action={appPath(props.project, props.app, '/rollback', props.environment)} {...actionAttrs(actionWords('rollbackCompose', { app: props.app, environment: props.environment, group: d.id }))}>
                      <CsrfField token={props.csrf} />
                      <input type="hidden" name="to" value={String(d.id)} />
                      <button type="submit">Roll back to #{d.id}</button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** Saves a file as an app: a new one (from the project page) or the app's file replaced. */
export function ComposeFileForm(props: { project: string; app?: string; environment: string; csrf?: string; state?: FormState; file?: { file: string; env: string } | null; repository?: { url: string; branch: string; path: string } | null; mayDeploy: boolean }) {
  const id = props.app ? 'compose-file' : 'new-compose-app';
  const f = { form: id, state: props.state };
  const repo = props.repository;
  const fromRepository = (
    <fieldset>
      <legend>{props.app ? 'Read from a repository' : 'Or read it from a repository'}</legend>
      <div class="row">
        <Field {...f} name="git" label="Repository of the file" value={repo?.url ?? ''} attrs={{ placeholder: 'https://github.com/org/app.git', autocomplete: 'off', spellcheck: 'false' }} />
        <Field {...f} name="branch" label="Its branch" value={repo?.branch ?? ''} attrs={{ placeholder: 'main', autocomplete: 'off', spellcheck: 'false' }} />
        <Field {...f} name="path" label="Path of the file" value={repo?.path ?? ''} attrs={{ placeholder: 'docker-compose.yml', autocomplete: 'off', spellcheck: 'false' }} />
      </div>
      <p class="muted">Read again at each deploy; services with <code>build:</code> build from this repository.</p>
    </fieldset>
  );
  return (
    <PostForm id={id} action={props.app ? appPath(props.project, props.app, '/file', props.environment) : `/projects/${props.project}/compose?env=${props.environment}`} csrf={props.csrf} state={props.state} class="stack wide">
      {!props.app && <Field {...f} name="name" label="Compose app name" attrs={{ required: true, maxlength: 20, pattern: '[a-z]([a-z0-9-]*[a-z0-9])?', autocomplete: 'off', spellcheck: 'false' }} hint="lowercase letters, digits and hyphens" />}
      {!repo && <Field {...f} name="file" label="docker-compose.yml" as="textarea" value={props.file?.file ?? ''} attrs={{ rows: 16, spellcheck: 'false', autocomplete: 'off', class: 'code' }} hint="image services; named volumes; refused keys are named with their line" />}
      {(!props.app || repo) && fromRepository}
      {/* The saved .env is an admin's to read; left out of the form, it stays as it is. */}
      {(!props.app || props.file) && <Field {...f} name="env" label=".env (the file's ${VARIABLES})" as="textarea" value={props.file?.env ?? ''} attrs={{ rows: 4, spellcheck: 'false', autocomplete: 'off', class: 'code' }} />}
      {props.mayDeploy && (
        <label class="check"><input type="checkbox" name="deploy" value="on" checked /> Deploy to {props.environment} once saved</label>
      )}
      <button type="submit" {...busyAttrs(actionWords('saveCompose', { deploy: props.mayDeploy }))}>{props.app ? 'Save the file' : 'Add the app'}</button>
    </PostForm>
  );
}

export function ComposePage(props: ComposePageProps) {
  const csrf = props.frame.csrfToken;
  const { project, environment, app, may } = props;
  return (
    <Layout title={`${app.name} · ${project}`} section="projects" skipTo="content" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${project}?env=${environment}`}>{project}</a> /</p>
      <h1 id="content" tabindex={-1}>{app.name} <span class="muted">Compose app</span></h1>
      <nav class="envs" aria-label="Environments">
        {props.environments.map((e) => <a href={appPath(project, app.name, '', e)} aria-current={e === environment ? 'true' : undefined}>{e}</a>)}
      </nav>
      <h2>Services</h2>
      <ul>
        {app.services.map((s) => <li><a href={`/projects/${project}/services/${s}?env=${environment}`}>{s}</a></li>)}
      </ul>
      {props.atOnce.deploy && (
        <PostForm id="compose-deploy" action={appPath(project, app.name, '/deploy', environment)} csrf={csrf} state={props.forms?.['compose-deploy']} confirm={actionWords('deployCompose', { app: app.name, environment }).question}>
          <label class="check"><input type="checkbox" name="all" value="on" /> every service, changed or not</label>
          <button type="submit" {...busyAttrs(actionWords('deployCompose', { app: app.name, environment }))}>Deploy {app.name}</button>
        </PostForm>
      )}
      <h2>Group deployments in {environment}</h2>
      <ComposeDeployments project={project} app={app.name} environment={environment} deployments={props.deployments} mayRollback={props.atOnce.rollback} csrf={csrf} />
      {may['service.create'] && (
        <details class="section" open={!!props.forms?.['compose-file']}>
          <summary>The Compose file</summary>
          {app.repository && <p>Read from <code>{app.repository.path}</code> of <code>{app.repository.url}</code>, branch <code>{app.repository.branch}</code>, at each deploy.</p>}
          {props.file === null && !app.repository && <p class="muted">The saved file is shown to admins (it may hold passwords). Paste the whole file to replace it.</p>}
          <ComposeFileForm project={project} app={app.name} environment={environment} csrf={csrf} state={props.forms?.['compose-file']} file={props.file} repository={app.repository} mayDeploy={props.atOnce.deploy} />
        </details>
      )}
      {may['service.delete'] && (
        <details class="section" open={!!props.forms?.['delete-compose-app']}>
          <summary>Delete {app.name}</summary>
          <DeleteComposeAppForm project={project} app={app} csrf={csrf} state={props.forms?.['delete-compose-app']} />
        </details>
      )}
    </Layout>
  );
}

export function DeleteComposeAppForm(props: { project: string; app: { name: string; services: string[] }; csrf?: string; state?: FormState }) {
  return <DeleteForm id="delete-compose-app" action={appPath(props.project, props.app.name, '/delete')} name={props.app.name} what={`the Compose app ${props.app.name} and its services (${props.app.services.join(', ')}) in every environment`} csrf={props.csrf} state={props.state} />;
}

/** The project page's list of Compose apps. */
export function ComposeAppList(props: { project: string; environment: string; apps: { name: string; services: string[] }[] }) {
  if (props.apps.length === 0) return <p class="muted">None yet: add one from a docker-compose.yml.</p>;
  return (
    <ul>
      {props.apps.map((a) => <li><a href={appPath(props.project, a.name, '', props.environment)}>{a.name}</a> <span class="muted">{a.services.join(', ')}</span></li>)}
    </ul>
  );
}
