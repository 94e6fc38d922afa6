// The place to start the day, kept live: what needs attention first, then each project with its
// services' states, then recent deploys and rollbacks with who asked; and the form to create a project.
import { Live, LiveSource } from '../components/live.js';
import { ProjectList } from '../components/project-list.js';
import { ActivityFeed, AttentionList } from '../components/dashboard-sections.js';
import type { DashboardData } from '../../src/actions/dashboard.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';
import { MetricsPlaceholder } from '../components/metrics-chart.js';

export interface DashboardProps extends DashboardData {
  frame: Omit<LayoutProps, 'title' | 'children'>;
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
      <LiveSource url="/events">
        <section class="dashboard-attention" aria-labelledby="attention-title">
          <h2 id="attention-title">Needs attention</h2>
          <Live event="attention"><AttentionList items={props.attention} /></Live>
        </section>
        <section aria-labelledby="projects-title">
          <h2 id="projects-title">Your projects</h2>
          <Live event="projects"><ProjectList projects={props.projects} /></Live>
        </section>
        <section aria-labelledby="activity-title">
          <h2 id="activity-title">Recent activity</h2>
          <Live event="activity"><ActivityFeed items={props.activity} /></Live>
        </section>
      </LiveSource>
      {props.servers.length > 0 && (
        <section aria-labelledby="servers-title">
          <h2 id="servers-title">Servers</h2>
          {props.servers.map((name) => (
            <>
              <h3><a href={`/servers/${name}`}>{name}</a></h3>
              <MetricsPlaceholder url={`/servers/${name}/metrics?range=hour&summary=1`} />
            </>
          ))}
        </section>
      )}
      <h2>New project</h2>
      <NewProjectForm csrf={props.frame.csrfToken} state={props.newProject} />
      <p><a href="/templates">Templates: 25 well-known apps (Plausible, n8n, Gitea, WordPress…), each deployed into a project in one step</a></p>
    </Layout>
  );
}
