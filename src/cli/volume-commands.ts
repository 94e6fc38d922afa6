// `spur volumes add|list|remove …`: a service's named volumes in one environment.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface VolumeView {
  name: string;
  mountPath: string;
  /** The Docker volume that holds the data (it stays when the volume or service goes). */
  dockerVolume: string;
}

const USAGE = 'spur volumes add <project> <service> <name> <mount-path> [--env E]  |  volumes list|remove <project> <service> [name] [--env E]';

async function volumes(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [sub, project, service, name, mountPath] = need(positionals, 3, USAGE);
  const path = `/projects/${enc(project)}/services/${enc(service)}/volumes`;
  const api = client(io);
  if (sub === 'add' && name && mountPath) {
    const { volume } = await api.json<{ volume: VolumeView }>('POST', path + envQuery(values.env), { name, mountPath });
    io.stdout(values.json ? JSON.stringify(volume) : `Added volume ${volume.name} at ${volume.mountPath} (Docker volume ${volume.dockerVolume}); the next deploy mounts it (and, from then on, stops the old version before starting the new).`);
  } else if (sub === 'list' && !name) {
    const { volumes: list } = await api.json<{ volumes: VolumeView[] }>('GET', path + envQuery(values.env));
    io.stdout(values.json ? JSON.stringify(list) : list.map((v) => `${v.name}\t${v.mountPath}\t${v.dockerVolume}`).join('\n') || 'No volumes.');
  } else if (sub === 'remove' && name && !mountPath) {
    const removed = await api.json<{ removed: string; dockerVolume: string }>('DELETE', `${path}/${enc(name)}${envQuery(values.env)}`);
    io.stdout(values.json ? JSON.stringify(removed) : `Removed volume ${name}; the next deploy no longer mounts it (its data stays in Docker volume ${removed.dockerVolume}).`);
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

export const volumeCommands = { volumes };
