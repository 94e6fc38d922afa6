// One project: its services and databases in an environment as a live canvas, and the forms to add
// services, databases and environments — each shown only to a role that may use it.
import { DeleteForm } from '../components/delete-form.js';
import { actionWords, busyAttrs } from '../../src/actions/words.js';
import { Live, LiveSource } from '../components/live.js';
import { ProjectCanvas, type ProjectCanvasProps } from '../components/project-canvas.js';
import { Field, FieldError, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';
import { DatabaseList, NewDatabaseForm } from '../components/databases.js';
import { SharedVariables } from '../components/shared-variables.js';
import type { DatabaseView } from '../../src/actions/databases.js';
import type { May } from '../../src/actions/page-data.js';
import type { RequestView } from '../../src/actions/ask.js';
import { Protection, RequestList } from '../components/requests.js';
import { ComposeAppList, ComposeFileForm } from './compose.js';

export interface ProjectPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  name: string;
  environment: string;
  environments: string[];
  /** The canvas: services and databases as cards, and who references whom. */
  canvas: Omit<ProjectCanvasProps, 'project' | 'environment'>;
  databases: DatabaseView[];
  /** The project's Compose apps (a Compose file kept as a group of its services). */
  composeApps: { name: string; services: string[] }[];
  /** The environment's shared variables, by name. */
  sharedVariables: string[];
  /** What the user's role in the project may do, by action of MAY. */
  may: May;
  /** Refused forms, by form id, shown again with their errors. */
  forms?: Record<string, FormState>;
  /** Protected environments: whether this one is, who may switch it, and the requests waiting. */
  approvals?: { protected: boolean; canProtect: boolean; canDecide: boolean; me: string; requests: RequestView[] };
}

export function ProjectPage(props: ProjectPageProps) {
  const csrf = props.frame.csrfToken;
  const may = props.may;
  const deletable = props.environments.filter((e) => e !== 'production');
  return (
    <Layout title={props.name} section="projects" skipTo="content" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> /</p>
      <h1>{props.name}</h1>
      <p class="muted">Environments: {props.environments.join(', ')}</p>
      {may['members.manage'] && <p><a href={`/projects/${props.name}/members`}>Members: who may use {props.name}</a></p>}
      <nav class="envs" aria-label="Environments">
        {props.environments.map((e) => (
          <a href={`/projects/${props.name}?env=${e}`} aria-current={e === props.environment ? 'true' : undefined}>{e}</a>
        ))}
      </nav>
      <h2 id="content" tabindex={-1}>Services and databases</h2>
      <LiveSource url={`/projects/${props.name}/events?env=${props.environment}`}>
        <Live event="services"><ProjectCanvas project={props.name} environment={props.environment} {...props.canvas} /></Live>
      </LiveSource>
      {/* Forms stay folded away until wanted: open when there is nothing yet, or when one was refused. */}
      {may['service.create'] && (
        <details class="section" open={props.canvas.services.length === 0 || !!props.forms?.['new-service']}>
          <summary>New service</summary>
          <NewServiceForm project={props.name} csrf={csrf} state={props.forms?.['new-service']} mayDeploy={may.deploy} />
        </details>
      )}
      <h2>Compose apps</h2>
      <ComposeAppList project={props.name} environment={props.environment} apps={props.composeApps} />
      <p><a href="/templates">Templates: deploy a well-known app (Plausible, n8n, Gitea, WordPress…) in one step</a></p>
      {may['service.create'] && (
        <details class="section" open={!!props.forms?.['new-compose-app']}>
          <summary>New Compose app</summary>
          <ComposeFileForm project={props.name} environment={props.environment} csrf={csrf} state={props.forms?.['new-compose-app']} mayDeploy={may.deploy} />
        </details>
      )}
      <h2>Databases</h2>
      <p class="muted">A service reaches a database through a variable holding its reference, such as <code>DATABASE_URL</code> = <code>{'${{pg.DATABASE_URL}}'}</code>, resolved at each deploy.</p>
      <DatabaseList project={props.name} environment={props.environment} databases={props.databases} csrf={csrf} forms={props.forms} mayDelete={may['database.delete']} />
      {may['database.create'] && (
        <details class="section" open={!!props.forms?.['new-database']}>
          <summary>New database</summary>
          <NewDatabaseForm project={props.name} environment={props.environment} csrf={csrf} state={props.forms?.['new-database']} />
        </details>
      )}
      {props.approvals && (
        <>
          <h2 id="requests">Requests</h2>
          <Protection project={props.name} environment={props.environment} protected={props.approvals.protected} canProtect={props.approvals.canProtect} csrf={csrf} />
          <RequestList project={props.name} requests={props.approvals.requests} canDecide={props.approvals.canDecide} me={props.approvals.me} csrf={csrf} />
        </>
      )}
      <p><a href={`/projects/${props.name}/alerts`}>Alerts: what is wrong in {props.name} now, and what was</a></p>
      {may['project-audit.read'] && <p><a href={`/projects/${props.name}/audit`}>Audit log: who changed what in {props.name}</a></p>}
      {may['webhooks.manage'] && <p><a href={`/projects/${props.name}/webhooks`}>Webhooks: where {props.name}'s events (deploys, certificates, backups, alerts) are posted</a></p>}
      <h2>Shared variables</h2>
      <SharedVariables project={props.name} environment={props.environment} names={props.sharedVariables} mayReveal={may['variables.reveal']} mayChange={may['variables.change']} csrf={csrf} state={props.forms?.['set-shared-variable']} />
      {(may['environment.create'] || (may['environment.delete'] && deletable.length > 0) || may['project.delete']) && (
        <details class="section" open={Object.keys(props.forms ?? {}).some((id) => id === 'new-environment' || id === 'delete-project' || id.startsWith('delete-environment-'))}>
          <summary>Environments and deletion</summary>
          {may['environment.create'] && (
            <>
              <h2>New environment</h2>
              <NewEnvironmentForm project={props.name} csrf={csrf} state={props.forms?.['new-environment']} />
            </>
          )}
          {may['environment.delete'] && deletable.map((e) => (
            <>
              <h2>Delete environment {e}</h2>
              <DeleteEnvironmentForm project={props.name} environment={e} csrf={csrf} state={props.forms?.[`delete-environment-${e}`]} />
            </>
          ))}
          {may['project.delete'] && (
            <>
              <h2>Delete project</h2>
              <DeleteProjectForm project={props.name} csrf={csrf} state={props.forms?.['delete-project']} />
            </>
          )}
        </details>
      )}
    </Layout>
  );
}

/** `mayDeploy`: whether "Create and deploy" is offered (a role that may create but not deploy gets "Create only"). */
export function NewServiceForm(props: { project: string; csrf?: string; state?: FormState; mayDeploy?: boolean }) {
  const f = { form: 'new-service', state: props.state };
  return (
    <PostForm id="new-service" action={`/projects/${props.project}/services`} csrf={props.csrf} state={props.state} class="stack">
      <Field {...f} name="name" label="Name" hint="Lowercase letters, digits and hyphens, starting with a letter; at most 20." attrs={{ required: true, pattern: '[a-z][a-z0-9\\-]*', maxlength: 20, placeholder: 'web' }} />
      <fieldset class="sources">
      <legend>Source: give one</legend>
      <FieldError name="source" state={props.state} />
      <fieldset>
        <legend>A git repository…</legend>
        <Field {...f} name="git" label="Git URL" attrs={{ placeholder: 'https://github.com/you/app.git' }} />
        <div class="row">
          <Field {...f} name="branch" label="Branch" attrs={{ placeholder: 'main' }} />
          <Field {...f} name="rootDir" label="Root directory" attrs={{ placeholder: '.' }} />
          <Field {...f} name="dockerfilePath" label="Dockerfile" attrs={{ placeholder: 'Dockerfile' }} />
        </div>
      </fieldset>
      <fieldset>
        <legend>…or git push to Spur</legend>
        <label class="check"><input type="checkbox" name="push" value="on" checked={props.state?.values.push === 'on'} /> Deploy what I push (branch above, default main)</label>
      </fieldset>
      <fieldset>
        <legend>…or a Docker image</legend>
        <Field {...f} name="image" label="Image" attrs={{ placeholder: 'nginx:1.27' }} />
      </fieldset>
      </fieldset>
      <Field {...f} name="port" label="Port the app listens on" value="3000" attrs={{ type: 'number', min: 1, max: 65535 }} />
      <div class="row">
        {props.mayDeploy !== false && <button type="submit" class="primary" name="deploy" value="on" {...busyAttrs(actionWords('createService', { deploy: true }))}>Create and deploy</button>}
        <button type="submit" {...busyAttrs(actionWords('createService', { deploy: false }))}>Create only</button>
      </div>
    </PostForm>
  );
}

export function NewEnvironmentForm(props: { project: string; csrf?: string; state?: FormState }) {
  return (
    <PostForm id="new-environment" action={`/projects/${props.project}/environments`} csrf={props.csrf} state={props.state} class="row">
      <Field form="new-environment" name="name" label="Environment name" state={props.state} hint="Lowercase letters, digits and hyphens, starting with a letter; at most 12." attrs={{ placeholder: 'staging', required: true, pattern: '[a-z][a-z0-9\\-]*', maxlength: 12 }} />
      <button type="submit">Add environment</button>
    </PostForm>
  );
}

export function DeleteEnvironmentForm(props: { project: string; environment: string; csrf?: string; state?: FormState }) {
  const e = props.environment;
  return <DeleteForm id={`delete-environment-${e}`} action={`/projects/${props.project}/environments/${e}/delete`} name={e} what={`the ${e} environment, with its services and network,`} csrf={props.csrf} state={props.state} />;
}

export function DeleteProjectForm(props: { project: string; csrf?: string; state?: FormState }) {
  const p = props.project;
  return <DeleteForm id="delete-project" action={`/projects/${p}/delete`} name={p} what={`${p}, with every service, environment, image and repository in it,`} csrf={props.csrf} state={props.state} />;
}
