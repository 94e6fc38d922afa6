// Databases of a project environment (?env=, production by default), and their backups.
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as db from '../../actions/databases.js';
import type { ApiRoutes } from './door.js';
import { Confirm, EnvQuery, json } from './schemas.js';

const BooleanLike = z.union([z.boolean(), z.string()]);
const IntegerLike = z.union([z.number().int(), z.string()]);

const ShownState = z.object({
  kind: z.string().describe('serving, working, down or unknown'),
  words: z.string().describe('A few words a person would say: "running", "starting", "down"'),
  detail: z.string().optional().describe("Why it is down, in Docker's words"),
});

const DatabaseView = z.object({
  name: z.string(),
  engine: z.string().describe('postgres, mysql, mariadb, redis or mongodb'),
  image: z.string(),
  environment: z.string(),
  running: z.number().int().nullable().describe('Running (1) or not (0); null when Docker cannot be asked'),
  state: ShownState,
  host: z.string().describe('Its host on the project network'),
  port: z.number().int(),
  variables: z.array(z.string()).describe('The variables a service can reference: ${{<name>.<VARIABLE>}}'),
  reference: z.string().describe('${{<name>.DATABASE_URL}}'),
  swarmService: z.string(),
  volume: z.string(),
  backupSchedule: z.string().nullable().describe('Cron expression (UTC) of its backups; null: only when asked'),
  nextBackupAt: z.string().nullable(),
  backupKeep: z.number().int(),
  createdAt: z.string(),
  usedBy: z.array(z.object({ service: z.string(), variables: z.array(z.string()) })).describe('The services whose variables reference it, with those variables'),
});

const BackupView = z.object({
  id: z.number().int(),
  database: z.string(),
  engine: z.string(),
  status: z.string().describe('running, ok or failed'),
  size: z.number().nullable().describe('Bytes'),
  sha256: z.string().nullable(),
  error: z.string().nullable(),
  verified: z.string().nullable().describe('Restored into a throwaway server and checked: passed, failed, or null while it runs'),
  verifyDetail: z.string().nullable(),
  trigger: z.string().describe('schedule or manual'),
  remote: z.object({ status: z.string(), key: z.string().nullable(), error: z.string().nullable() }).nullable().describe('Its copy in S3-compatible storage (null: no storage configured)'),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
});

const MetricsView = z.object({
  range: z.string(),
  stepS: z.number().describe('Seconds each point covers'),
  points: z.array(z.record(z.string(), z.unknown())),
  deployments: z.array(z.object({ id: z.number().int(), status: z.string(), at: z.string() })),
  exits: z.array(z.object({ at: z.string(), slot: z.number().int().nullable(), exitCode: z.number().int().nullable(), reason: z.string() })),
});

const Schedule = z.string().describe('A cron expression (UTC), e.g. 0 3 * * * for daily at 03:00; none, off or never for backups only when asked');
const Keep = IntegerLike.describe('How many backups to keep, 1 to 1000 (a number or a numeric string)');

export function databaseRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Databases');
  r.get('/projects/:project/databases', { summary: "A project environment's databases, with their state", query: EnvQuery, answers: [json(200, 'The databases', z.object({ databases: z.array(DatabaseView) }))] }, async (c, { params, query }) =>
    c.json({ databases: await db.listDatabaseViews(deps, c.get('user'), params.project, query.env) }),
  );
  r.post(
    '/projects/:project/databases',
    {
      summary: 'Create a database; Spur generates its credentials and runs it at once',
      query: EnvQuery,
      body: z.strictObject({
        name: z.string().describe('Lowercase letters, digits and hyphens, starting with a letter; also its host on the project network'),
        engine: z.string().describe('postgres, mysql, mariadb, redis or mongodb'),
        version: z.string().nullable().optional().describe("The engine's official image tag, e.g. 17 (not with image)"),
        image: z.string().nullable().optional().describe("An image of your own to run instead of the engine's official one, e.g. postgis/postgis:17-3.5 (not with version)"),
        schedule: Schedule.nullable().optional(),
        keep: Keep.nullable().optional(),
      }),
      answers: [json(201, 'The new database', z.object({ database: DatabaseView }))],
    },
    async (c, { params, query, body }) => c.json({ database: await db.addDatabase(deps, c.get('user'), params.project, body, query.env) }, 201),
  );
  r.get('/projects/:project/databases/:name', { summary: 'A database, with its state, address and backup policy', query: EnvQuery, answers: [json(200, 'The database', z.object({ database: DatabaseView }))] }, async (c, { params, query }) =>
    c.json({ database: await db.databaseView(deps, c.get('user'), params.project, params.name, query.env) }),
  );
  r.patch(
    '/projects/:project/databases/:name',
    {
      summary: "Change a database's backup schedule and how many backups it keeps",
      description: 'Keeping fewer backups prunes the oldest at once.',
      query: EnvQuery,
      body: z.strictObject({
        schedule: Schedule.nullable().optional().describe('A cron expression (UTC), e.g. 0 3 * * *; none, off, never, null or "" for backups only when asked'),
        keep: Keep.optional(),
      }),
      answers: [json(200, 'The database as it is now', z.object({ database: DatabaseView }))],
    },
    async (c, { params, query, body }) => c.json({ database: await db.changeDatabase(deps, c.get('user'), params.project, params.name, body, query.env) }),
  );
  r.post('/projects/:project/databases/:name/restart', { summary: "Restart a database's server; answers once it is ready again", query: EnvQuery, answers: [json(200, 'Restarted and answering', z.object({ database: DatabaseView }))] }, async (c, { params, query }) =>
    c.json({ database: await db.restartDatabase(deps, c.get('user'), params.project, params.name, query.env) }),
  );
  r.get(
    '/projects/:project/databases/:name/metrics',
    { summary: "A database's CPU, memory and network over a range", query: EnvQuery.extend({ range: z.string().optional().describe('hour (the default), day, week or 90d') }), answers: [json(200, 'The metrics', MetricsView)] },
    async (c, { params, query }) => c.json(await db.databaseMetrics(deps, c.get('user'), params.project, params.name, query.range, query.env)),
  );
  r.get(
    '/projects/:project/databases/:name/logs',
    { summary: "A database's last log lines, its password masked", query: EnvQuery.extend({ tail: z.string().optional().describe('How many lines, 1 to 10000 (200 when left out)') }), answers: [json(200, 'The log lines', z.object({ lines: z.array(z.string()) }))] },
    async (c, { params, query }) => c.json({ lines: await db.databaseLogs(deps, c.get('user'), params.project, params.name, query.tail, query.env) }),
  );
  r.get(
    '/projects/:project/databases/:name/credentials',
    { summary: "A database's connection variables in clear", query: EnvQuery, answers: [json(200, 'The connection variables', z.object({ variables: z.record(z.string(), z.string()) }))] },
    async (c, { params, query }) => c.json({ variables: await db.databaseCredentials(deps, c.get('user'), params.project, params.name, query.env) }),
  );
  r.get('/projects/:project/databases/:name/backups', { summary: "A database's backups, newest first", query: EnvQuery, answers: [json(200, 'The backups', z.object({ backups: z.array(BackupView) }))] }, async (c, { params, query }) =>
    c.json({ backups: await db.backupsOf(deps, c.get('user'), params.project, params.name, query.env) }),
  );
  r.post(
    '/projects/:project/databases/:name/backups',
    {
      summary: 'Back a database up now',
      description: 'Answers once the dump is on disk (or failed, saying why); the copy to S3 and the verification follow in the background.',
      query: EnvQuery,
      answers: [json(201, 'The backup, made', z.object({ backup: BackupView })), json(500, 'The backup failed; its error says why', z.object({ backup: BackupView }))],
    },
    async (c, { params, query }) => {
      const backup = await db.backUpDatabase(deps, c.get('user'), params.project, params.name, query.env);
      return c.json({ backup }, backup.status === 'ok' ? 201 : 500);
    },
  );
  r.get(
    '/projects/:project/databases/:name/backups/:id/file',
    { summary: "Download a backup's file, checked against its SHA-256 first", query: EnvQuery, answers: [{ status: 200, description: 'The dump', type: 'octet' }] },
    async (c, { params, query }) => {
      const { path, filename } = await db.backupFile(deps, c.get('user'), params.project, params.name, params.id, query.env);
      return new Response(Readable.toWeb(createReadStream(path)) as ReadableStream, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Disposition': `attachment; filename="${filename}"` } });
    },
  );
  r.post(
    '/projects/:project/databases/:name/backups/:id/verify',
    { summary: 'Verify a backup again now: restore it into a throwaway server and check it', query: EnvQuery, answers: [json(200, 'The backup, with the result', z.object({ backup: BackupView }))] },
    async (c, { params, query }) => c.json({ backup: await db.verifyDatabaseBackup(deps, c.get('user'), params.project, params.name, params.id, query.env) }),
  );
  r.post(
    '/projects/:project/databases/:name/restore',
    {
      summary: 'Restore a backup into the database itself, or into a new database',
      description: 'Into the database itself once its name is typed (`confirm`), or into a new database `into` of the same engine and image, which leaves this one untouched.',
      query: EnvQuery,
      body: z.strictObject({
        backup: IntegerLike.describe('The id of the backup to restore (a number or a numeric string)'),
        into: z.string().optional().describe('The name of a new database to restore into, e.g. pg-copy'),
        confirm: z.string().optional().describe("This database's name, typed again, to replace what it holds (when not restoring into a new one)"),
      }),
      answers: [json(200, 'Restored', z.object({ restored: BackupView.extend({ into: z.string().describe('The database restored into') }) }))],
    },
    async (c, { params, query, body }) => c.json({ restored: await db.restoreDatabase(deps, c.get('user'), params.project, params.name, body, query.env) }),
  );
  r.delete(
    '/projects/:project/databases/:name',
    {
      summary: 'Delete a database once its name is typed',
      description: 'Its data (the volume) goes only with deleteData; its newest backup is kept unless deleteBackups.',
      query: EnvQuery,
      body: z.strictObject({
        ...Confirm.shape,
        deleteData: BooleanLike.optional().describe('Also remove its data volume: true (or "true", "on")'),
        deleteBackups: BooleanLike.optional().describe('Also remove its newest backup (the others go anyway): true (or "true", "on")'),
      }),
      answers: [json(200, 'Deleted', z.object({ deleted: z.string() }))],
    },
    async (c, { params, query, body }) => {
      await db.deleteDatabase(deps, c.get('user'), params.project, params.name, body, query.env);
      return c.json({ deleted: params.name });
    },
  );
}
