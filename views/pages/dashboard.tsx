// Projects overview with the form to create one.
import { CsrfField, Layout, type LayoutProps } from '../layout.js';

export interface DashboardProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  projects: { name: string; environments: string[]; services: number }[];
}

export function DashboardPage(props: DashboardProps) {
  return (
    <Layout title="Projects" section="projects" {...props.frame}>
      <h1>Projects</h1>
      {props.projects.length === 0 ? (
        <p class="empty">No projects yet. Create one below to deploy your first service.</p>
      ) : (
        <ul class="cards">
          {props.projects.map((p) => (
            <li>
              <a href={`/projects/${p.name}`} class="card">
                <strong>{p.name}</strong>
                <span class="muted">{p.services} service{p.services === 1 ? '' : 's'} · {p.environments.join(', ')}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
      <h2>New project</h2>
      <form method="post" action="/projects" class="row">
        <CsrfField token={props.frame.csrfToken} />
        <label>Project name <input name="name" placeholder="my-app" required pattern="[a-z][a-z0-9\-]*" maxlength={20} /></label>
        <button type="submit">Create project</button>
      </form>
    </Layout>
  );
}
