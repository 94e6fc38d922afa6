// `spur db create|list|info|delete …`: a project environment's databases.
import { CliError } from './client.js';
import { confirmed } from './commands.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface DatabaseView {
  name: string;
  engine: string;
  image: string;
  environment: string;
  running: number | null;
  host: string;
  port: number;
  variables: string[];
  reference: string;
  volume: string;
}

const USAGE = 'spur db create <project> <name> --engine postgres|mysql|mariadb|redis|mongodb [--version V] [--env E]  |  db list <project> [--env E]  |  db info <project> <name> [--show-credentials] [--env E]  |  db delete <project> <name> --yes [--delete-data] [--env E]  |  db backup|backups <project> <name> [--env E]  |  db restore <project> <name> <backup-id> --yes [--env E]';

interface BackupView {
  id: number;
  status: string;
  verified: 'passed' | 'failed' | null;
  verifyDetail: string | null;
  size: number | null;
  sha256: string | null;
  error: string | null;
  createdAt: string;
}

const verification = (b: BackupView) => (b.verified === null ? 'verifying' : `verify ${b.verified}: ${b.verifyDetail}`);
const describeBackup = (b: BackupView) => `${b.id}\t${b.createdAt}\t${b.status === 'ok' ? `${b.size} bytes\tsha256 ${b.sha256}\t${verification(b)}` : `${b.status}${b.error ? `: ${b.error}` : ''}`}`;

const state = (d: DatabaseView) => (d.running === null ? 'unknown (Docker is not answering)' : d.running > 0 ? 'running' : 'starting or stopped');

function describe(d: DatabaseView): string {
  return [
    `Database:    ${d.name} (${d.engine}, ${d.image}) in ${d.environment}`,
    `State:       ${state(d)}`,
    `Address:     ${d.host}:${d.port} on the project network`,
    `Reference:   ${d.reference} in a service's variables (also ${d.variables.filter((v) => v !== 'DATABASE_URL').join(', ')})`,
    `Data:        volume ${d.volume}`,
  ].join('\n');
}

async function db(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' }, engine: { type: 'string' }, version: { type: 'string' }, yes: { type: 'boolean' }, 'delete-data': { type: 'boolean' }, 'show-credentials': { type: 'boolean' } });
  const [sub, project, name] = need(positionals, 2, USAGE);
  const path = `/projects/${enc(project)}/databases`;
  const q = envQuery(values.env);
  const api = client(io);
  if (sub === 'create' && name) {
    const { database } = await api.json<{ database: DatabaseView }>('POST', path + q, { name, engine: values.engine, version: values.version });
    io.stdout(values.json ? JSON.stringify(database) : `${describe(database)}\nCreated; reference it from a service: spur vars set ${project} <service> DATABASE_URL='${database.reference}'`);
  } else if (sub === 'list' && !name) {
    const { databases } = await api.json<{ databases: DatabaseView[] }>('GET', path + q);
    io.stdout(values.json ? JSON.stringify(databases) : databases.map((d) => `${d.name}\t${d.engine}\t${d.image}\t${state(d)}`).join('\n') || 'No databases.');
  } else if (sub === 'info' && name) {
    const { database } = await api.json<{ database: DatabaseView }>('GET', `${path}/${enc(name)}${q}`);
    const credentials = values['show-credentials'] ? (await api.json<{ variables: Record<string, string> }>('GET', `${path}/${enc(name)}/credentials${q}`)).variables : undefined;
    if (values.json) io.stdout(JSON.stringify({ ...database, ...(credentials ? { credentials } : {}) }));
    else io.stdout(describe(database) + (credentials ? '\n' + Object.entries(credentials).map(([k, v]) => `${k}=${v}`).join('\n') : ''));
  } else if (sub === 'backup' && name) {
    const { backup } = await api.json<{ backup: BackupView }>('POST', `${path}/${enc(name)}/backups${q}`);
    io.stdout(values.json ? JSON.stringify(backup) : `Backup ${backup.id} of ${name}: ${backup.size} bytes, sha256 ${backup.sha256}`);
  } else if (sub === 'backups' && name) {
    const { backups } = await api.json<{ backups: BackupView[] }>('GET', `${path}/${enc(name)}/backups${q}`);
    io.stdout(values.json ? JSON.stringify(backups) : backups.map(describeBackup).join('\n') || 'No backups.');
  } else if (sub === 'restore' && name && positionals[3]) {
    const id = positionals[3];
    if (!/^\d+$/.test(id)) throw new CliError(`"${id}" is not a backup id (spur db backups ${project} ${name} lists them)`, 2);
    await api.json('POST', `${path}/${enc(name)}/restore${q}`, { backup: Number(id), confirm: confirmed(values, `what database ${name} of ${project} holds now, replaced by backup ${id}`, name) });
    io.stdout(values.json ? JSON.stringify({ restored: Number(id), into: name }) : `Restored backup ${id} into ${name}.`);
  } else if (sub === 'delete' && name) {
    const what = `database ${name} of ${project}${values['delete-data'] ? ', with its data' : ' (its data volume is kept; --delete-data removes it too)'}`;
    await api.json('DELETE', `${path}/${enc(name)}${q}`, { confirm: confirmed(values, what, name), deleteData: values['delete-data'] === true });
    io.stdout(values.json ? JSON.stringify({ deleted: name }) : `Deleted database ${name}${values['delete-data'] ? ' and its data' : '; its volume is kept'}.`);
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

export const databaseCommands = { db };
