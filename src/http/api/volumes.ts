// A service's named volumes in one environment (actions/volumes.ts), and their backups (actions/volume-backups.ts).
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import * as ops from '../../actions/index.js';
import type { ApiRoutes } from './door.js';
import { instanceOf } from './context.js';
import { EnvQuery, json } from './schemas.js';

/** A whole number, as JSON or as text ("3"). */
const whole = z.union([z.number().int(), z.string()]);

const VolumeView = z.object({
  name: z.string(),
  mountPath: z.string(),
  dockerVolume: z.string().describe('The Docker volume that holds the data; it stays when the volume or the service is removed'),
  createdAt: z.string(),
});

const VolumeBackupView = z.object({
  id: z.number().int(),
  volume: z.string(),
  status: z.string().describe('running, ok or failed'),
  size: z.number().nullable().describe('Bytes'),
  sha256: z.string().nullable(),
  error: z.string().nullable(),
  trigger: z.string().describe('schedule or manual'),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  remote: z.object({ status: z.string(), key: z.string().nullable(), error: z.string().nullable() }).nullable().describe('Its copy in S3-compatible storage; null when none is configured'),
});

const VolumeBackupsView = z.object({
  volume: z.string(),
  schedule: z.string().nullable().describe('A cron expression in UTC; null: backed up only when asked'),
  keep: z.number().int().describe('How many completed backups are kept'),
  nextRun: z.string().nullable(),
  backups: z.array(VolumeBackupView).describe('Newest first'),
});

const RestoredView = z.object({
  restored: z.number().int().describe('The backup restored'),
  into: z.string().describe('The volume it went into'),
  dockerVolume: z.string().describe('The new Docker volume that holds it'),
  deployment: z.number().int().nullable().describe('The deployment that mounts it now; null: the next deploy does'),
  previousDockerVolume: z.string().nullable().describe('Where the files the volume had stay (a restore into the volume itself)'),
});

export function volumeRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Volumes');
  r.get('/projects/:project/services/:service/volumes', { summary: "A service's named volumes", query: EnvQuery, answers: [json(200, 'The volumes', z.object({ volumes: z.array(VolumeView) }))] }, async (c, { params, query }) =>
    c.json({ volumes: await ops.volumesOf(deps, await instanceOf(deps, c, { params, query }, 'project.read')) }),
  );
  r.post(
    '/projects/:project/services/:service/volumes',
    {
      summary: 'Add a named volume to a service; the next deploy mounts it',
      description: 'Its Docker volume is a new one. From then on a deploy stops the old version before it starts the new.',
      query: EnvQuery,
      body: z.strictObject({
        name: z.string().describe('Lowercase letters, digits and hyphens, starting with a letter, at most 20 characters, e.g. data'),
        mountPath: z.string().optional().describe('Where it is mounted in the container: an absolute path, e.g. /data'),
        path: z.string().optional().describe('Another name for mountPath'),
      }),
      answers: [json(201, 'The new volume', z.object({ volume: VolumeView }))],
    },
    async (c, { params, query, body }) => c.json({ volume: await ops.addVolume(deps, await instanceOf(deps, c, { params, query }, 'volumes.change'), body) }, 201),
  );
  r.get('/projects/:project/services/:service/volumes/:name/backups', { summary: "A volume's backups, with its schedule and how many it keeps", query: EnvQuery, answers: [json(200, 'The backups', VolumeBackupsView)] }, async (c, { params, query }) =>
    c.json(await ops.volumeBackupsOf(deps, await instanceOf(deps, c, { params, query }, 'project.read'), params.name)),
  );
  r.post(
    '/projects/:project/services/:service/volumes/:name/backups',
    { summary: 'Back up a volume now', description: 'Answered once the backup is done; a failed one is answered too, with its status and error.', query: EnvQuery, answers: [json(201, 'The backup', z.object({ backup: VolumeBackupView }))] },
    async (c, { params, query }) => c.json({ backup: await ops.backUpVolumeNow(deps, await instanceOf(deps, c, { params, query }, 'volumes.change'), params.name) }, 201),
  );
  r.patch(
    '/projects/:project/services/:service/volumes/:name',
    {
      summary: "Change a volume's backup schedule or how many backups it keeps",
      description: 'Give a schedule, keep, or both. Fewer kept prunes the oldest at once.',
      query: EnvQuery,
      body: z.strictObject({
        schedule: z.string().nullable().optional().describe("A five-field cron expression in UTC, e.g. 0 3 * * * (daily at 03:00); none, off or never: only when asked"),
        keep: whole.nullable().optional().describe('How many completed backups are kept, 1–1000'),
      }),
      answers: [json(200, "The volume's backups as they are now", VolumeBackupsView)],
    },
    async (c, { params, query, body }) => c.json(await ops.changeVolumeBackups(deps, await instanceOf(deps, c, { params, query }, 'volumes.change'), params.name, body)),
  );
  r.post(
    '/projects/:project/services/:service/volumes/:name/restore',
    {
      summary: 'Restore a backup into the volume itself, or into a new volume of the service',
      description:
        'Into the volume itself: a new Docker volume filled from the backup takes its place, and what serves is deployed again to mount it (the old Docker volume stays). With into and mountPath: a new volume of the service, mounted from the next deploy.',
      query: EnvQuery,
      body: z.strictObject({
        backup: whole.describe("The backup's id"),
        into: z.string().nullable().optional().describe('The name of a new volume to restore into (with mountPath)'),
        mountPath: z.string().nullable().optional().describe("The new volume's mount path, e.g. /restored (with into)"),
      }),
      answers: [json(202, 'Restored', RestoredView)],
    },
    async (c, { params, query, body }) => c.json(await ops.restoreVolume(deps, await instanceOf(deps, c, { params, query }, 'volumes.restore'), params.name, body), 202),
  );
  r.delete(
    '/projects/:project/services/:service/volumes/:name',
    { summary: 'Take a volume off a service from the next deploy; its data stays in its Docker volume', query: EnvQuery, answers: [json(200, 'Removed, and where its data stays', z.object({ removed: z.string(), dockerVolume: z.string() }))] },
    async (c, { params, query }) => {
      const dockerVolume = await ops.removeVolume(deps, await instanceOf(deps, c, { params, query }, 'volumes.change'), params.name);
      return c.json({ removed: params.name, dockerVolume });
    },
  );
}
