// The database page's routes: the page, its credentials revealed in place, and its forms (backup
// schedule, back up now, restore, restart, delete), each answering in place (forms.ts).
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Context, Hono } from 'hono';
import type { FormState } from '../../views/components/form.js';
import { DeleteDatabaseForm } from '../../views/components/databases.js';
import { BackUpNowForm, BackupPolicyForm, DatabaseMetrics, DatabaseMetricsPage, DatabasePage, RestartForm, RestoreForm, RestoreIntoNewForm, RevealedCredentials } from '../../views/pages/database.js';
import type { Deps } from '../deps.js';
import { Conflict } from '../errors.js';
import { backupStorage } from '../store/settings.js';
import type { AuthEnv } from './auth.js';
import * as dbs from '../actions/databases.js';
import { openProject } from '../actions/access.js';
import { mayAll } from '../actions/page-data.js';
import { answerForm } from './forms.js';
import type { LayoutProps } from '../../views/layout.js';

type Frame = Omit<LayoutProps, 'title' | 'children'>;

export function databasePages(web: Hono<AuthEnv>, deps: Deps, frame: (c: Context<AuthEnv>) => Frame) {
  const at = (c: Context<AuthEnv>) => ({ user: c.get('user'), project: c.req.param('project')!, name: c.req.param('name')!, env: c.req.query('env') });
  const page = async (c: Context<AuthEnv>, forms?: Record<string, FormState>) => {
    const { user, project, name, env } = at(c);
    const database = await dbs.databaseView(deps, user, project, name, env);
    const logs = deps.daemon.ready ? await dbs.databaseLogs(deps, user, project, name, 100, env).catch(() => null) : null;
    const storage = await backupStorage(deps.db, deps.key);
    return (
      <DatabasePage
        frame={frame(c)}
        project={project}
        database={database}
        backups={await dbs.backupsOf(deps, user, project, name, env)}
        logs={logs}
        storage={storage ? `s3://${storage.bucket}${storage.prefix ? `/${storage.prefix}` : ''} at ${storage.endpoint}` : null}
        may={mayAll(await openProject(deps.db, user, project, 'project.read'))}
        forms={forms}
      />
    );
  };
  /** A form of the page: done, back to the page with a toast; refused, the form again in place. */
  const pageForm = <T,>(c: Context<AuthEnv>, id: string, run: (body: Record<string, unknown>) => Promise<T>, toast: (r: T) => string, fragment: (props: { project: string; database: dbs.DatabaseView; csrf?: string; state: FormState }) => unknown) => {
    const { user, project, name, env } = at(c);
    return answerForm(c, {
      run,
      done: (r) => ({ to: `/projects/${project}/databases/${name}?env=${env ?? 'production'}`, toast: toast(r) }),
      fragment: async (state) => String(fragment({ project, database: await dbs.databaseView(deps, user, project, name, env), csrf: c.get('csrfToken'), state })),
      page: (state) => page(c, { [id]: state }),
    });
  };

  web.get('/projects/:project/databases/:name', async (c) => c.html(await page(c)));
  web.get('/projects/:project/databases/:name/metrics', async (c) => {
    const { user, project, name, env } = at(c);
    const metrics = await dbs.databaseMetrics(deps, user, project, name, c.req.query('range'), env);
    const props = { project, database: { name, environment: env ?? 'production' }, metrics };
    return c.html(c.req.header('HX-Request') ? <DatabaseMetrics {...props} /> : <DatabaseMetricsPage frame={frame(c)} {...props} />);
  });
  web.get('/projects/:project/databases/:name/credentials', async (c) => {
    const { user, project, name, env } = at(c);
    return c.html(<RevealedCredentials variables={await dbs.databaseCredentials(deps, user, project, name, env)} />);
  });
  web.get('/projects/:project/databases/:name/backups/:id/download', async (c) => {
    const { user, project, name, env } = at(c);
    const { path, filename } = await dbs.backupFile(deps, user, project, name, c.req.param('id'), env);
    return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${filename}"` } });
  });
  web.post('/projects/:project/databases/:name/policy', (c) => {
    const { user, project, name, env } = at(c);
    return pageForm(c, 'backup-policy', (body) => dbs.changeDatabase(deps, user, project, name, body, env), (d) => (d.backupSchedule ? `Backups of ${d.name} scheduled on ${d.backupSchedule}; the newest ${d.backupKeep} kept` : `${d.name} is backed up only when asked; the newest ${d.backupKeep} kept`), (p) => <BackupPolicyForm {...p} />);
  });
  web.post('/projects/:project/databases/:name/backups', (c) => {
    const { user, project, name, env } = at(c);
    return pageForm(c, 'back-up-now', async () => {
      const b = await dbs.backUpDatabase(deps, user, project, name, env);
      if (b.status !== 'ok') throw new Conflict(`the backup failed: ${b.error}`);
      return b;
    }, (b) => `Backup ${b.id} of ${name} taken; it is being checked by restoring it`, (p) => <BackUpNowForm {...p} />);
  });
  web.post('/projects/:project/databases/:name/restore', (c) => {
    const { user, project, name, env } = at(c);
    return answerForm(c, {
      run: (body) => dbs.restoreDatabase(deps, user, project, name, body, env),
      done: (r) => (r.into === name ? { to: `/projects/${project}/databases/${name}?env=${env ?? 'production'}`, toast: `Backup ${r.id} restored into ${name}` } : { to: `/projects/${project}/databases/${r.into}?env=${env ?? 'production'}`, toast: `Backup ${r.id} of ${name} restored into the new database ${r.into}` }),
      fragment: async (state) => {
        const database = await dbs.databaseView(deps, user, project, name, env);
        const props = { project, database, csrf: c.get('csrfToken'), state, backup: Number(state.values.backup) || 0 };
        return String('into' in state.values ? <RestoreIntoNewForm {...props} /> : <RestoreForm {...props} />);
      },
      page: async (state) => page(c, { [`${'into' in state.values ? 'restore-new' : 'restore'}-${Number(state.values.backup) || 0}`]: state }),
    });
  });
  web.post('/projects/:project/databases/:name/restart', (c) => {
    const { user, project, name, env } = at(c);
    return pageForm(c, 'restart-database', () => dbs.restartDatabase(deps, user, project, name, env), () => `${name} restarted; it is answering`, (p) => <RestartForm {...p} />);
  });
  web.post('/projects/:project/databases/:name/delete', (c) => {
    const { user, project, name, env } = at(c);
    const environment = env ?? 'production';
    return answerForm(c, {
      run: async (body) => (await dbs.deleteDatabase(deps, user, project, name, body, environment), body),
      done: (body) => ({ to: `/projects/${project}?env=${environment}`, toast: `Database ${name} deleted${deletionKept(body)}` }),
      fragment: async (state) => <DeleteDatabaseForm project={project} environment={environment} name={name} referrers={(await dbs.databaseView(deps, user, project, name, environment)).usedBy} csrf={c.get('csrfToken')} state={state} />,
      page: (state) => page(c, { [`delete-database-${name}`]: state }),
    });
  });
}

const checked = (v: unknown) => v === 'on' || v === true;
function deletionKept(body: Record<string, unknown>): string {
  const kept = [checked(body.deleteData) ? '' : 'its volume', checked(body.deleteBackups) ? '' : 'its newest backup'].filter(Boolean);
  return kept.length ? `; kept ${kept.join(' and ')}` : '';
}
