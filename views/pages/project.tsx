// One project: its environments and services, and the forms to add either.
import type { DeploymentStatus } from '../../src/db/schema.js';
import { DeleteForm } from '../components/delete-form.js';
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

export interface ServiceCard {
  name: string;
  source: string;
  /** Status of the deployment that serves, if any, else of the latest attempt. */
  status: DeploymentStatus | null;
  serving: number | null;
  url: string | null;
  running: number | null;
  replicas: number;
  lastDeployAt: string | null;
}

export interface ProjectPageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  name: string;
  environment: string;
  environments: string[];
  services: ServiceCard[];
  /** Only the owner may delete a project. */
  canDelete: boolean;
}

export function ProjectPage(props: ProjectPageProps) {
  const csrf = props.frame.csrfToken;
  return (
    <Layout title={props.name} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> /</p>
      <h1>{props.name}</h1>
      <p class="muted">Environments: {props.environments.join(', ')}</p>
      <nav class="envs" aria-label="Environments">
        {props.environments.map((e) => (
          <a href={`/projects/${props.name}?env=${e}`} aria-current={e === props.environment ? 'true' : undefined}>{e}</a>
        ))}
      </nav>
      <h2>Services</h2>
      {props.services.length === 0 ? (
        <p class="empty">No services yet. Create one below from a git repository, git push, or a Docker image.</p>
      ) : (
        <ul class="cards">
          {props.services.map((s) => (
            <li class="card">
              <a href={`/projects/${props.name}/services/${s.name}?env=${props.environment}`}>
                <strong><span class={`dot dot-${s.status ?? 'none'}`} aria-hidden="true"></span>{s.name}</strong>
              </a>
              <span class="muted">{s.status ? <>{s.serving ? `#${s.serving} serving` : s.status}</> : 'never deployed'}{s.lastDeployAt && <> · <time datetime={s.lastDeployAt}>{s.lastDeployAt.replace('T', ' ').slice(0, 16)}</time></>}</span>
              {s.url && <a href={s.url} class="url">{s.url.replace(/^https?:\/\//, '')}</a>}
              <span class="muted">{s.running ?? '?'}/{s.replicas} running · {s.source}</span>
            </li>
          ))}
        </ul>
      )}
      <h2>New service</h2>
      <form method="post" action={`/projects/${props.name}/services`} class="stack">
        <CsrfField token={csrf} />
        <label>Name <input name="name" required pattern="[a-z][a-z0-9\-]*" maxlength={20} placeholder="web" /></label>
        <fieldset>
          <legend>Source: a git repository…</legend>
          <label>Git URL <input name="git" placeholder="https://github.com/you/app.git" /></label>
          <div class="row">
            <label>Branch <input name="branch" placeholder="main" /></label>
            <label>Root directory <input name="rootDir" placeholder="." /></label>
            <label>Dockerfile <input name="dockerfilePath" placeholder="Dockerfile" /></label>
          </div>
        </fieldset>
        <fieldset>
          <legend>…or git push to Spur</legend>
          <label class="check"><input type="checkbox" name="push" value="on" /> Deploy what I push (branch above, default main)</label>
        </fieldset>
        <fieldset>
          <legend>…or a Docker image</legend>
          <label>Image <input name="image" placeholder="nginx:1.27" /></label>
        </fieldset>
        <label>Port the app listens on <input name="port" type="number" min={1} max={65535} value="3000" /></label>
        <button type="submit">Create service</button>
      </form>
      <h2>New environment</h2>
      <form method="post" action={`/projects/${props.name}/environments`} class="row">
        <CsrfField token={csrf} />
        <input name="name" placeholder="staging" required pattern="[a-z][a-z0-9\-]*" maxlength={12} aria-label="Environment name" />
        <button type="submit">Add environment</button>
      </form>
      {props.environments.filter((e) => e !== 'production').map((e) => (
        <>
          <h2>Delete environment {e}</h2>
          <DeleteForm action={`/projects/${props.name}/environments/${e}/delete`} name={e} what={`the ${e} environment, with its services and network,`} csrf={csrf} />
        </>
      ))}
      {props.canDelete && (
        <>
          <h2>Delete project</h2>
          <DeleteForm action={`/projects/${props.name}/delete`} name={props.name} what={`${props.name}, with every service, environment, image and repository in it,`} csrf={csrf} />
        </>
      )}
    </Layout>
  );
}
