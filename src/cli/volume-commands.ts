// `spur volumes add|list|remove …`: a service's named volumes in one environment; `backup`,
// `backups`, `set` (schedule, retention) and `restore` for their backups.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface VolumeView {
  name: string;
  mountPath: string;
  /** The Docker volume that holds the data (it stays when the volume or service goes). */
  dockerVolume: string;
}

interface BackupView {
  id: number;
  status: string;
  size: number | null;
  sha256: string | null;
  error: string | null;
  trigger: string;
  createdAt: string;
  remote: { status: string } | null;
}

interface BackupsView {
  volume: string;
  schedule: string | null;
  keep: number;
  nextRun: string | null;
  backups: BackupView[];
}

const USAGE =
  'spur volumes add <project> <service> <name> <mount-path> [--env E]  |  volumes list|remove <project> <service> [name] [--env E]  |  volumes backup|backups <project> <service> <name> [--env E]  |  volumes set <project> <service> <name> [--schedule CRON|none] [--keep N] [--env E]  |  volumes restore <project> <service> <name> <backup-id> (--yes | --into NEW --path /MOUNT) [--env E]';

const backupLine = (b: BackupView) => `#${b.id}\t${b.status}\t${b.createdAt.replace('T', ' ').slice(0, 19)}\t${b.size === null ? '—' : `${b.size} bytes`}\t${b.trigger}${b.remote ? `\tS3 ${b.remote.status}` : ''}${b.error ? `\t${b.error}` : ''}`;

async function volumes(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' }, schedule: { type: 'string' }, keep: { type: 'string' }, yes: { type: 'boolean' }, into: { type: 'string' }, path: { type: 'string' } });
  const [sub, project, service, name, mountPath] = need(positionals, 3, USAGE);
  const path = `/projects/${enc(project)}/services/${enc(service)}/volumes`;
  const api = client(io);
  if (sub === 'add' && name && mountPath) {
    const answer = await api.json<{ volume: VolumeView }>('POST', path + envQuery(values.env), { name, mountPath });
    const { volume } = answer;
    io.stdout(values.json ? JSON.stringify(answer) : `Added volume ${volume.name} at ${volume.mountPath} (Docker volume ${volume.dockerVolume}); the next deploy mounts it (and, from then on, stops the old version before starting the new).`);
  } else if (sub === 'list' && !name) {
    const answer = await api.json<{ volumes: VolumeView[] }>('GET', path + envQuery(values.env));
    io.stdout(values.json ? JSON.stringify(answer) : answer.volumes.map((v) => `${v.name}\t${v.mountPath}\t${v.dockerVolume}`).join('\n') || 'No volumes.');
  } else if (sub === 'remove' && name && !mountPath) {
    const removed = await api.json<{ removed: string; dockerVolume: string }>('DELETE', `${path}/${enc(name)}${envQuery(values.env)}`);
    io.stdout(values.json ? JSON.stringify(removed) : `Removed volume ${name}; the next deploy no longer mounts it (its data stays in Docker volume ${removed.dockerVolume}).`);
  } else if (sub === 'backup' && name && !mountPath) {
    const answer = await api.json<{ backup: BackupView }>('POST', `${path}/${enc(name)}/backups${envQuery(values.env)}`);
    if (values.json) io.stdout(JSON.stringify(answer));
    const { backup } = answer;
    if (backup.status !== 'ok') throw new CliError(`backup #${backup.id} of ${name} failed: ${backup.error}`);
    if (values.json) return;
    io.stdout(`Backed up volume ${name}: backup #${backup.id}, ${backup.size} bytes, sha256 ${backup.sha256}`);
  } else if (sub === 'backups' && name && !mountPath) {
    const view = await api.json<BackupsView>('GET', `${path}/${enc(name)}/backups${envQuery(values.env)}`);
    if (values.json) return io.stdout(JSON.stringify(view));
    const policy = `Volume ${name}: ${view.schedule ? `backed up on ${view.schedule} (UTC), next ${view.nextRun ?? '—'}` : 'backed up only when asked'}; keeps ${view.keep}`;
    io.stdout([policy, ...view.backups.map(backupLine)].join('\n'));
  } else if (sub === 'set' && name && !mountPath) {
    if (values.keep !== undefined && !/^\d+$/.test(String(values.keep))) throw new CliError(`--keep: "${values.keep}" is not a number`, 2);
    const body = { ...(values.schedule !== undefined ? { schedule: values.schedule } : {}), ...(values.keep !== undefined ? { keep: Number(values.keep) } : {}) };
    const view = await api.json<BackupsView>('PATCH', `${path}/${enc(name)}${envQuery(values.env)}`, body);
    io.stdout(values.json ? JSON.stringify(view) : `Volume ${name}: ${view.schedule ? `backed up on ${view.schedule} (UTC)` : 'backed up only when asked'}; keeps ${view.keep}`);
  } else if (sub === 'restore' && name && mountPath && /^\d+$/.test(mountPath)) {
    const into = values.into !== undefined;
    if (into === (values.yes === true) || into !== (values.path !== undefined)) throw new CliError(`restore replaces ${name}'s files: say --yes, or restore into a new volume with --into NAME --path /MOUNT`, 2);
    const body = { backup: Number(mountPath), ...(into ? { into: values.into, mountPath: values.path } : {}) };
    const r = await api.json<{ restored: number; into: string; dockerVolume: string; deployment: number | null; previousDockerVolume: string | null }>('POST', `${path}/${enc(name)}/restore${envQuery(values.env)}`, body);
    if (values.json) return io.stdout(JSON.stringify(r));
    io.stdout(
      into
        ? `Restored backup #${r.restored} into new volume ${r.into} (Docker volume ${r.dockerVolume}); the next deploy mounts it.`
        : `Restored backup #${r.restored} into ${r.into}${r.deployment ? `; deployment #${r.deployment} mounts it` : '; the next deploy mounts it'}. The files it had stay in Docker volume ${r.previousDockerVolume}.`,
    );
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

export const volumeCommands = { volumes };
