// The catalogue of one-click apps: a searchable list (the search answers in place as one types,
// and works as a plain form without JavaScript), and one app's page with what it makes and the
// form that deploys it into a project.
import type { TemplateView } from '../../src/actions/templates.js';
import { actionWords, busyAttrs } from '../../src/actions/words.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

/** The app's logo: its letters on its colour. */
export function TemplateLogo(props: { logo: TemplateView['logo']; size?: number }) {
  const size = props.size ?? 40;
  return (
    <svg class="template-logo" width={size} height={size} viewBox="0 0 40 40" aria-hidden="true">
      <rect width="40" height="40" rx="8" fill={props.logo.color} />
      <text x="20" y="25" text-anchor="middle" font-size="15" font-family="system-ui, sans-serif" font-weight="700" fill="#fff">{props.logo.letters}</text>
    </svg>
  );
}

export function TemplateList(props: { templates: TemplateView[]; query: string }) {
  return (
    <div id="template-list">
      <p class="muted" role="status">{props.query ? `${props.templates.length} of the catalogue match “${props.query}”` : `${props.templates.length} apps`}</p>
      <ul class="templates">
        {props.templates.map((t) => (
          <li class="template-card">
            <TemplateLogo logo={t.logo} />
            <div>
              <a href={`/templates/${t.id}`}><strong>{t.name}</strong></a> <span class="muted">{t.category}</span>
              <p>{t.description}</p>
            </div>
          </li>
        ))}
      </ul>
    </div>
  );
}

export function TemplatesPage(props: { frame: Frame; templates: TemplateView[]; query: string }) {
  return (
    <Layout title="Templates" section="projects" skipTo="content" {...props.frame}>
      <h1 id="content" tabindex={-1}>Templates</h1>
      <p class="muted">Well-known apps, each a Compose file with pinned versions: deploying one makes ordinary services of a project, its passwords generated and sealed.</p>
      <form method="get" action="/templates" role="search" class="row">
        <label class="field">
          <span>Search</span>
          <input type="search" name="q" value={props.query} placeholder="analytics, git, wiki…" hx-get="/templates" hx-trigger="input changed delay:250ms, search" hx-target="#template-list" hx-swap="outerHTML" autocomplete="off" />
        </label>
        <button type="submit">Search</button>
      </form>
      <TemplateList templates={props.templates} query={props.query} />
    </Layout>
  );
}

export function DeployTemplateForm(props: { template: TemplateView; projects: string[]; csrf?: string; state?: FormState }) {
  const t = props.template;
  const f = { form: 'deploy-template', state: props.state };
  const chosen = props.state?.values.project;
  return (
    <PostForm id="deploy-template" action={`/templates/${t.id}/deploy`} csrf={props.csrf} state={props.state} class="stack wide">
      <label class="field">
        <span>Project</span>
        <select name="project" required>
          {props.projects.map((p) => <option value={p} selected={p === chosen}>{p}</option>)}
        </select>
      </label>
      <Field {...f} name="name" label="App name" value={t.id} attrs={{ required: true, maxlength: 20, pattern: '[a-z]([a-z0-9-]*[a-z0-9])?', autocomplete: 'off', spellcheck: 'false' }} />
      {t.settings.map((s) => (
        <Field {...f} name={`setting_${s.name}`} label={<>{s.name} <span class="muted">{s.description}</span></>} value={s.default ?? ''} attrs={{ required: s.default === null, autocomplete: 'off', spellcheck: 'false' }} />
      ))}
      <button type="submit" {...busyAttrs(actionWords('saveCompose', { deploy: true }))}>Deploy {t.name}</button>
    </PostForm>
  );
}

export function TemplatePage(props: { frame: Frame; template: TemplateView; projects: string[]; forms?: Record<string, FormState> }) {
  const t = props.template;
  return (
    <Layout title={`${t.name} · Templates`} section="projects" skipTo="content" {...props.frame}>
      <p class="crumbs"><a href="/templates">Templates</a> /</p>
      <h1 id="content" tabindex={-1}><TemplateLogo logo={t.logo} size={32} /> {t.name}</h1>
      <p>{t.description} <a href={t.website} rel="noopener noreferrer">{t.website}</a></p>
      <h2>What it makes</h2>
      <table>
        <thead><tr><th>Service</th><th>Image</th><th>Port</th><th>Volumes</th></tr></thead>
        <tbody>
          {t.services.map((s) => (
            <tr>
              <td>{s.name}{s.name === t.domainService && <span class="muted"> (gets the domain)</span>}</td>
              <td><code>{s.image}</code></td>
              <td>{s.port ?? '—'}</td>
              <td>{s.volumes.join(', ') || '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">Generated when it is deployed, sealed like every variable: {t.secrets.join(', ') || 'nothing'}.</p>
      <h2>Deploy</h2>
      {props.projects.length ? (
        <DeployTemplateForm template={t} projects={props.projects} csrf={props.frame.csrfToken} state={props.forms?.['deploy-template']} />
      ) : (
        <p class="muted">You may deploy it into none of your projects: {t.services.some((s) => s.volumes.length) ? 'it keeps data on volumes, which a project admin adds' : 'a developer or admin of a project deploys it'}.</p>
      )}
      <details class="section">
        <summary>The Compose file</summary>
        <pre class="code">{t.compose}</pre>
      </details>
    </Layout>
  );
}
