// Projects overview, kept live, with the form to create one.
import { Live, LiveSource } from '../components/live.js';
import { ProjectList, type ProjectSummary } from '../components/project-list.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';
import type { DashboardWarning } from '../../src/http/page-data.js';

export interface DashboardProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  projects: ProjectSummary[];
  /** Certificates that failed or expire within 14 days. */
  warnings: DashboardWarning[];
  newProject?: FormState;
}

export function NewProjectForm(props: { csrf?: string; state?: FormState }) {
  return (
    <PostForm id="new-project" action="/projects" csrf={props.csrf} state={props.state} class="row">
      <Field form="new-project" name="name" label="Project name" state={props.state} hint="Lowercase letters, digits and hyphens, starting with a letter; at most 20." attrs={{ placeholder: 'my-app', required: true, pattern: '[a-z][a-z0-9\\-]*', maxlength: 20 }} />
      <button type="submit">Create project</button>
    </PostForm>
  );
}

export function DashboardPage(props: DashboardProps) {
  return (
    <Layout title="Projects" section="projects" {...props.frame}>
      <h1>Projects</h1>
      {props.warnings.length > 0 && (
        <section class="banner pending" aria-label="Certificates and backups that need attention">
          <ul class="domains">
            {props.warnings.map((w) => (
              <li>
                <a href={w.href}>{w.subject}</a>
                <span>{w.problem}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      <LiveSource url="/events">
        <Live event="projects"><ProjectList projects={props.projects} /></Live>
      </LiveSource>
      <h2>New project</h2>
      <NewProjectForm csrf={props.frame.csrfToken} state={props.newProject} />
    </Layout>
  );
}
