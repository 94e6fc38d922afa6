// `spur db create|list|info|set|logs|restart|delete|backup|backups|download|restore …`: a project
// environment's databases and their backups.
import { CliError } from './client.js';
import { confirmed } from './commands.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface DatabaseView {
  name: string;
  engine: string;
  image: string;
  environment: string;
  running: number | null;
  /** running, starting, down (with why) or unknown, as the web pages say it. */
  state: { kind: string; words: string; detail?: string };
  host: string;
  port: number;
  variables: string[];
  reference: string;
  volume: string;
  backupSchedule: string | null;
  nextBackupAt: string | null;
  backupKeep: number;
}

const USAGE = 'spur db create <project> <name> --engine postgres|mysql|mariadb|redis|mongodb [--version V | --image I] [--schedule CRON|none] [--keep N] [--env E]  |  db list <project>  |  db info <project> <name> [--show-credentials]  |  db set <project> <name> [--schedule CRON|none] [--keep N]  |  db logs <project> <name> [--tail N]  |  db restart <project> <name>  |  db delete <project> <name> --yes [--delete-data] [--delete-backups]  |  db backup|backups <project> <name>  |  db download <project> <name> <backup-id> [-o FILE]  |  db restore <project> <name> <backup-id> (--yes | --into NEW)   (each takes --env E)';

interface BackupView {
  id: number;
  status: string;
  verified: 'passed' | 'failed' | null;
  verifyDetail: string | null;
  size: number | null;
  sha256: string | null;
  error: string | null;
  trigger: string;
  remote: { status: string; key: string; error: string | null } | null;
  createdAt: string;
}

const verification = (b: BackupView) => (b.verified === null ? 'verifying' : `verify ${b.verified}: ${b.verifyDetail}`);
const remote = (b: BackupView) => (b.remote ? `\tS3 ${b.remote.status}${b.remote.error ? `: ${b.remote.error}` : ''}` : '');
const describeBackup = (b: BackupView) => `${b.id}\t${b.createdAt}\t${b.trigger}\t${b.status === 'ok' ? `${b.size} bytes\tsha256 ${b.sha256}\t${verification(b)}${remote(b)}` : `${b.status}${b.error ? `: ${b.error}` : ''}`}`;

const state = (d: DatabaseView) => `${d.state.words}${d.state.detail ? ` — ${d.state.detail}` : ''}`;

function describe(d: DatabaseView): string {
  return [
    `Database:    ${d.name} (${d.engine}, ${d.image}) in ${d.environment}`,
    `State:       ${state(d)}`,
    `Address:     ${d.host}:${d.port} on the project network`,
    `Reference:   ${d.reference} in a service's variables (also ${d.variables.filter((v) => v !== 'DATABASE_URL').join(', ')})`,
    `Data:        volume ${d.volume}`,
    `Backups:     ${d.backupSchedule ? `on "${d.backupSchedule}" (UTC), next ${d.nextBackupAt ?? 'unknown'}` : 'only when asked'}; the newest ${d.backupKeep} kept`,
  ].join('\n');
}

async function db(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, {
    env: { type: 'string' },
    engine: { type: 'string' },
    version: { type: 'string' },
    image: { type: 'string' },
    schedule: { type: 'string' },
    keep: { type: 'string' },
    tail: { type: 'string' },
    into: { type: 'string' },
    output: { type: 'string', short: 'o' },
    yes: { type: 'boolean' },
    'delete-data': { type: 'boolean' },
    'delete-backups': { type: 'boolean' },
    'show-credentials': { type: 'boolean' },
  });
  const [sub, project, name] = need(positionals, 2, USAGE);
  const path = `/projects/${enc(project)}/databases`;
  const q = envQuery(values.env);
  const api = client(io);
  if (sub === 'create' && name) {
    const answer = await api.json<{ database: DatabaseView }>('POST', path + q, { name, engine: values.engine, version: values.version, image: values.image, schedule: values.schedule, keep: values.keep });
    const { database } = answer;
    io.stdout(values.json ? JSON.stringify(answer) : `${describe(database)}\nCreated; reference it from a service: spur vars set ${project} <service> DATABASE_URL='${database.reference}'`);
  } else if (sub === 'list' && !name) {
    const answer = await api.json<{ databases: DatabaseView[] }>('GET', path + q);
    io.stdout(values.json ? JSON.stringify(answer) : answer.databases.map((d) => `${d.name}\t${d.engine}\t${d.image}\t${state(d)}`).join('\n') || 'No databases.');
  } else if (sub === 'info' && name) {
    const answer = await api.json<{ database: DatabaseView }>('GET', `${path}/${enc(name)}${q}`);
    const { database } = answer;
    const shown = values['show-credentials'] ? await api.json<{ variables: Record<string, string> }>('GET', `${path}/${enc(name)}/credentials${q}`) : undefined;
    const credentials = shown?.variables;
    if (values.json) io.stdout(JSON.stringify(shown ?? answer));
    else io.stdout(describe(database) + (credentials ? '\n' + Object.entries(credentials).map(([k, v]) => `${k}=${v}`).join('\n') : ''));
  } else if (sub === 'backup' && name) {
    const answer = await api.json<{ backup: BackupView }>('POST', `${path}/${enc(name)}/backups${q}`);
    const { backup } = answer;
    io.stdout(values.json ? JSON.stringify(answer) : `Backup ${backup.id} of ${name}: ${backup.size} bytes, sha256 ${backup.sha256}`);
  } else if (sub === 'backups' && name) {
    const answer = await api.json<{ backups: BackupView[] }>('GET', `${path}/${enc(name)}/backups${q}`);
    io.stdout(values.json ? JSON.stringify(answer) : answer.backups.map(describeBackup).join('\n') || 'No backups.');
  } else if (sub === 'set' && name) {
    if (values.schedule === undefined && values.keep === undefined) throw new CliError('give --schedule CRON|none or --keep N', 2);
    const answer = await api.json<{ database: DatabaseView }>('PATCH', `${path}/${enc(name)}${q}`, { schedule: values.schedule, keep: values.keep });
    io.stdout(values.json ? JSON.stringify(answer) : describe(answer.database));
  } else if (sub === 'logs' && name) {
    const tail = values.tail ? `${q ? '&' : '?'}tail=${enc(String(values.tail))}` : '';
    const answer = await api.json<{ lines: string[] }>('GET', `${path}/${enc(name)}/logs${q}${tail}`);
    io.stdout(values.json ? JSON.stringify(answer) : answer.lines.join('\n') || 'No log lines.');
  } else if (sub === 'restart' && name) {
    const answer = await api.json<{ database: DatabaseView }>('POST', `${path}/${enc(name)}/restart${q}`);
    io.stdout(values.json ? JSON.stringify(answer) : `Restarted ${name}; it is answering.`);
  } else if ((sub === 'restore' || sub === 'download') && name && positionals[3]) {
    const id = positionals[3];
    if (!/^\d+$/.test(id)) throw new CliError(`"${id}" is not a backup id (spur db backups ${project} ${name} lists them)`, 2);
    if (sub === 'download') {
      const file = typeof values.output === 'string' ? values.output : `${project}-${name}-${id}.dump`;
      const size = await api.download(`${path}/${enc(name)}/backups/${id}/file${q}`, file);
      io.stdout(values.json ? JSON.stringify({ file, size }) : `Saved backup ${id} of ${name} to ${file} (${size} bytes).`);
    } else if (typeof values.into === 'string') {
      const answer = await api.json('POST', `${path}/${enc(name)}/restore${q}`, { backup: Number(id), into: values.into });
      io.stdout(values.json ? JSON.stringify(answer) : `Restored backup ${id} of ${name} into the new database ${values.into}; ${name} is untouched.`);
    } else {
      const answer = await api.json('POST', `${path}/${enc(name)}/restore${q}`, { backup: Number(id), confirm: confirmed(values, `what database ${name} of ${project} holds now, replaced by backup ${id} (or restore into a new database with --into NAME)`, name) });
      io.stdout(values.json ? JSON.stringify(answer) : `Restored backup ${id} into ${name}.`);
    }
  } else if (sub === 'delete' && name) {
    const data = values['delete-data'] ? ', with its data' : ' (its data volume is kept; --delete-data removes it too)';
    const backups = values['delete-backups'] ? ', and all its backups' : ' (its newest backup is kept; --delete-backups removes them all)';
    const answer = await api.json('DELETE', `${path}/${enc(name)}${q}`, { confirm: confirmed(values, `database ${name} of ${project}${data}${backups}`, name), deleteData: values['delete-data'] === true, deleteBackups: values['delete-backups'] === true });
    const kept = [values['delete-data'] ? '' : 'its volume', values['delete-backups'] ? '' : 'its newest backup'].filter(Boolean);
    io.stdout(values.json ? JSON.stringify(answer) : `Deleted database ${name}${kept.length ? `; kept ${kept.join(' and ')}` : ', its data and its backups'}.`);
  } else {
    throw new CliError(`usage: ${USAGE}`, 2);
  }
}

export const databaseCommands = { db };
