// A database's page: its state and connection, restart, its backups (schedule, back up now,
// download, restore into itself or a new database), its recent logs, and its deletion: each control
// shown only to a role that may use it (a viewer reads).
import type { BackupView, DatabaseView } from '../../src/actions/databases.js';
import { CopyButton } from '../components/copy-button.js';
import { DeleteDatabaseForm } from '../components/databases.js';
import { StateMark } from '../components/state-mark.js';
import { Field, type FormState, PostForm } from '../components/form.js';
import { Layout, type LayoutProps } from '../layout.js';
import { MetricsCharts, MetricsPlaceholder } from '../components/metrics-chart.js';
import type { MetricsView } from '../../src/actions/metrics.js';
import { actionWords, busyAttrs } from '../../src/actions/words.js';
import { Time } from '../components/time.js';
import type { May } from '../../src/actions/page-data.js';
import { mayDo } from '../../src/actions/access.js';

export interface DatabasePageProps {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  project: string;
  database: DatabaseView;
  backups: BackupView[];
  /** Recent log lines; null when Docker cannot be asked. */
  logs: string[] | null;
  /** Where copies of backups go (s3://bucket at endpoint), or null. */
  storage: string | null;
  /** What the user's role in the project may do, by action of MAY. */
  may: May;
  forms?: Record<string, FormState>;
}

type FormProps = { project: string; database: DatabaseView; csrf?: string; state?: FormState };

export const databasePath = (project: string, d: Pick<DatabaseView, 'name' | 'environment'>, sub = '') => `/projects/${project}/databases/${d.name}${sub}?env=${d.environment}`;

function verification(b: BackupView) {
  if (b.status !== 'ok') return <span class="badge badge-failed">{b.status === 'running' ? 'running' : 'failed'}</span>;
  if (b.verified === null) return <span class="badge badge-deploying">verifying</span>;
  return <span class={b.verified === 'passed' ? 'badge badge-active' : 'badge badge-failed'} title={b.verifyDetail ?? ''}>restore {b.verified}</span>;
}

const remote = (b: BackupView) => (b.remote ? <span class={b.remote.status === 'ok' ? 'badge badge-active' : b.remote.status === 'failed' ? 'badge badge-failed' : 'badge badge-deploying'} title={b.remote.error ?? b.remote.key ?? ''}>S3 {b.remote.status}</span> : <span class="muted">—</span>);

const size = (bytes: number | null) => (bytes === null ? '—' : bytes < 1024 * 1024 ? `${(bytes / 1024).toFixed(1)} KiB` : `${(bytes / 1024 / 1024).toFixed(1)} MiB`);

export function BackupPolicyForm(props: FormProps) {
  const f = { form: 'backup-policy', state: props.state };
  return (
    <PostForm id="backup-policy" action={databasePath(props.project, props.database, '/policy')} csrf={props.csrf} state={props.state} class="row">
      <Field {...f} name="schedule" label="Backup schedule (cron, UTC; none for no schedule)" value={props.database.backupSchedule ?? 'none'} attrs={{ required: true, maxlength: 100, spellcheck: 'false' }} />
      <Field {...f} name="keep" label="Backups kept" value={String(props.database.backupKeep)} attrs={{ type: 'number', min: 1, max: 1000, required: true }} />
      <button type="submit">Save schedule</button>
    </PostForm>
  );
}

export function BackUpNowForm(props: FormProps) {
  return (
    <PostForm id="back-up-now" action={databasePath(props.project, props.database, '/backups')} csrf={props.csrf} state={props.state}>
      <button type="submit" {...busyAttrs(actionWords('backUp', { name: props.database.name }))}>Back up now</button>
    </PostForm>
  );
}

export function RestartForm(props: FormProps) {
  return (
    <PostForm id="restart-database" action={databasePath(props.project, props.database, '/restart')} csrf={props.csrf} state={props.state} confirm={actionWords('restartDatabase', { name: props.database.name }).question}>
      <button type="submit" {...busyAttrs(actionWords('restartDatabase', { name: props.database.name }))}>Restart {props.database.name}</button>
    </PostForm>
  );
}

export function RestoreForm(props: FormProps & { backup: number }) {
  const id = `restore-${props.backup}`;
  return (
    <PostForm id={id} action={databasePath(props.project, props.database, '/restore')} csrf={props.csrf} state={props.state} class="stack danger">
      <input type="hidden" name="backup" value={String(props.backup)} />
      <p>What {props.database.name} holds now is replaced by backup {props.backup}.</p>
      <Field form={id} name="confirm" state={props.state} keep={false} label={<>Type <code>{props.database.name}</code> to restore into it</>} attrs={{ required: true, autocomplete: 'off' }} />
      <button type="submit" class="danger" {...busyAttrs(actionWords('restore', { backup: props.backup }))}>Restore backup {props.backup} into {props.database.name}</button>
    </PostForm>
  );
}

export function RestoreIntoNewForm(props: FormProps & { backup: number }) {
  const id = `restore-new-${props.backup}`;
  return (
    <PostForm id={id} action={databasePath(props.project, props.database, '/restore')} csrf={props.csrf} state={props.state} class="row">
      <input type="hidden" name="backup" value={String(props.backup)} />
      <Field form={id} name="into" state={props.state} label={`New database for backup ${props.backup}`} attrs={{ required: true, pattern: '[a-z][a-z0-9\\-]*', maxlength: 20, placeholder: `${props.database.name}-copy` }} />
      <button type="submit" {...busyAttrs(actionWords('restore', { backup: props.backup }))}>Restore into a new database</button>
    </PostForm>
  );
}

function BackupsTable(props: DatabasePageProps) {
  const { project, database: d } = props;
  const csrf = props.frame.csrfToken;
  if (props.backups.length === 0) return <p class="empty">No backups yet.</p>;
  return (
    <table class="backups">
      <thead>
        <tr><th>Backup</th><th>Taken</th><th>By</th><th>Size</th><th>Checked</th><th>Copy</th><th><span class="muted">Actions</span></th></tr>
      </thead>
      <tbody>
        {props.backups.map((b) => (
          <tr>
            <td data-label="Backup">{b.id}</td>
            <td data-label="Taken"><Time at={b.createdAt} /></td>
            <td data-label="By">{b.trigger === 'schedule' ? 'schedule' : 'hand'}</td>
            <td data-label="Size">{size(b.size)}</td>
            <td data-label="Checked">{verification(b)}{b.status !== 'ok' && b.error && <div class="field-error">{b.error}</div>}{b.verified === 'failed' && <div class="field-error">{b.verifyDetail}</div>}</td>
            <td data-label="Copy">{remote(b)}</td>
            <td>
              {b.status === 'ok' && (
                <div class="actions">
                  {props.may['backups.download'] && <a href={databasePath(project, d, `/backups/${b.id}/download`)} download>Download backup {b.id}</a>}
                  {props.may['database.restore'] && (
                    <details open={!!props.forms?.[`restore-${b.id}`] || !!props.forms?.[`restore-new-${b.id}`]}>
                      <summary>Restore backup {b.id}</summary>
                      <RestoreForm project={project} database={d} backup={b.id} csrf={csrf} state={props.forms?.[`restore-${b.id}`]} />
                      <RestoreIntoNewForm project={project} database={d} backup={b.id} csrf={csrf} state={props.forms?.[`restore-new-${b.id}`]} />
                    </details>
                  )}
                </div>
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function DatabasePage(props: DatabasePageProps) {
  const { project, database: d } = props;
  const csrf = props.frame.csrfToken;
  return (
    <Layout title={`${d.name} · ${project}`} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${project}?env=${d.environment}`}>{project}</a> /</p>
      <h1>{d.name} <StateMark state={d.state} /></h1>
      <p class="muted">{d.engine} · {d.image} · {d.environment}</p>
      {d.state.detail && <p class="error" role="status">{d.name} is down: {d.state.detail}. Docker tries again every few seconds.</p>}

      <h2>Connection</h2>
      <dl class="facts">
        <dt>Address</dt>
        <dd><code>{d.host}:{d.port}</code> on the project network (not published outside it)</dd>
        <dt>Reference</dt>
        <dd><code class="reference">{d.reference}</code> <CopyButton text={d.reference} label={`${d.name}'s reference`} /> <span class="muted">in a service's variables; also {d.variables.filter((v) => v !== 'DATABASE_URL').join(', ')}</span></dd>
        <dt>Credentials</dt>
        <dd>
          <span class="secret">
            <span class="muted">••••••</span>
            {props.may['database.credentials'] && <button type="button" class="link" hx-get={databasePath(project, d, '/credentials')} hx-target="closest .secret" hx-swap="innerHTML" aria-label={`Reveal ${d.name}'s credentials`}>Reveal</button>}
          </span>
        </dd>
        <dt>Data</dt>
        <dd>volume <code>{d.volume}</code></dd>
      </dl>
      {props.may['database.change'] && <RestartForm project={project} database={d} csrf={csrf} state={props.forms?.['restart-database']} />}

      <h2>Metrics</h2>
      <MetricsPlaceholder url={`${databasePath(project, d, '/metrics')}&range=hour`} />

      <h2>Backups</h2>
      <p class="muted">
        {d.backupSchedule ? <>Backed up on <code>{d.backupSchedule}</code> (UTC){d.nextBackupAt && <>, next at <Time at={d.nextBackupAt} /></>}; </> : 'Backed up only when asked; '}
        the newest {d.backupKeep} are kept. Each backup is the engine's own dump, restored into a throwaway server to prove it restores.{' '}
        {props.storage ? <>Copies go to {props.storage}.</> : <>Backups stay on this server{mayDo(props.frame.user ?? {}, 'settings.change') ? <>; add S3 storage in <a href="/settings">Settings</a> to copy them off it</> : ''}.</>}
      </p>
      {props.may['database.change'] && <BackupPolicyForm project={project} database={d} csrf={csrf} state={props.forms?.['backup-policy']} />}
      {props.may['backups.create'] && <BackUpNowForm project={project} database={d} csrf={csrf} state={props.forms?.['back-up-now']} />}
      <BackupsTable {...props} />

      <h2>Logs</h2>
      {props.logs === null ? <p class="empty">Docker is not answering; logs are unavailable.</p> : props.logs.length === 0 ? <p class="empty">{d.state.kind === 'down' ? `No log lines: ${d.name} has not started.` : 'No log lines yet.'}</p> : <pre class="log" tabindex={0} aria-label={`${d.name}'s recent log lines`}>{props.logs.join('\n')}</pre>}

      {props.may['database.delete'] && (
        <details open={!!props.forms?.[`delete-database-${d.name}`]}>
          <summary>Delete {d.name}</summary>
          <DeleteDatabaseForm project={project} environment={d.environment} name={d.name} referrers={d.usedBy} csrf={csrf} state={props.forms?.[`delete-database-${d.name}`]} />
        </details>
      )}
    </Layout>
  );
}

/** The credentials, revealed in place of the mask (the owner's). */
export function RevealedCredentials(props: { variables: Record<string, string> }) {
  return (
    <dl class="facts">
      {Object.entries(props.variables).map(([k, v]) => (
        <>
          <dt><code>{k}</code></dt>
          <dd><code class="wrap">{v}</code> <CopyButton text={v} label={k} /></dd>
        </>
      ))}
    </dl>
  );
}

/** The database's charts: what its page fetches once loaded, and a range link swaps in. */
export function DatabaseMetrics(props: { project: string; database: Pick<DatabaseView, 'name' | 'environment'>; metrics: MetricsView }) {
  return <MetricsCharts view={props.metrics} subject={props.database.name} url={(r) => `${databasePath(props.project, props.database, '/metrics')}&range=${r}`} />;
}

/** The charts on a page of their own, for a browser without JavaScript. */
export function DatabaseMetricsPage(props: Parameters<typeof DatabaseMetrics>[0] & { frame: Omit<LayoutProps, 'title' | 'children'> }) {
  const d = props.database;
  return (
    <Layout title={`Metrics · ${d.name} · ${props.project}`} section="projects" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${props.project}?env=${d.environment}`}>{props.project}</a> / <a href={databasePath(props.project, d)}>{d.name}</a> /</p>
      <h1>Metrics of {d.name}</h1>
      <DatabaseMetrics {...props} />
    </Layout>
  );
}
