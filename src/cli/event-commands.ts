// `spur events <project> [--follow]`: a project's events, newest last; with --follow, new ones as
// they happen. `spur webhooks …`: where they are posted (admins): list, add, remove, a webhook's
// deliveries, and one sent again.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, need } from './shared.js';

interface EventView {
  id: number;
  type: string;
  project: string;
  createdAt: string;
  data: Record<string, unknown>;
}

interface WebhookView {
  id: number;
  name: string;
  host: string;
  types: string[];
  createdAt: string;
  secret?: string;
}

interface DeliveryView {
  id: number;
  event: number;
  type: string;
  state: string;
  attempts: number;
  status: number | null;
  error: string | null;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
}

const EVENTS_USAGE = 'spur events <project> [--follow] [--after ID] [--limit N]';
const WEBHOOKS_USAGE = [
  'spur webhooks list <project>',
  'spur webhooks add <project> <name> --url URL [--secret S] [--types deployment.active,deployment.failed]',
  'spur webhooks remove|deliveries <project> <id>',
  'spur webhooks redeliver <project> <id> <delivery>',
].join('\n  ');

/** One line an event: its time, id, type and what it says. */
export const describeEvent = (e: EventView) =>
  `${e.createdAt}  #${e.id} ${e.type}  ${Object.entries(e.data)
    .filter(([, v]) => v !== null && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
    .join(' ')}`;

async function events(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { follow: { type: 'boolean' }, after: { type: 'string' }, limit: { type: 'string' } });
  const [project] = need(positionals, 1, EVENTS_USAGE);
  if (positionals.length > 1) throw new CliError(`usage: ${EVENTS_USAGE}`, 2);
  for (const flag of ['after', 'limit'] as const) {
    if (values[flag] !== undefined && !/^\d+$/.test(String(values[flag]))) throw new CliError(`--${flag}: "${values[flag]}" is not a number`, 2);
  }
  const api = client(io);
  const base = `/projects/${enc(project)}/events`;
  if (values.follow) {
    for await (const m of api.events(`${base}/stream${values.after !== undefined ? `?after=${values.after}` : ''}`)) {
      if (m.event === 'event') io.stdout(values.json ? m.data : describeEvent(JSON.parse(m.data) as EventView));
      else if (m.event === 'problem') throw new CliError(m.data, 1);
    }
    return;
  }
  const q = new URLSearchParams({ ...(values.after !== undefined ? { after: String(values.after) } : {}), ...(values.limit !== undefined ? { limit: String(values.limit) } : {}) }).toString();
  const answer = await api.json<{ events: EventView[] }>('GET', base + (q ? `?${q}` : ''));
  if (values.json) return io.stdout(JSON.stringify(answer));
  io.stdout(answer.events.map(describeEvent).join('\n') || 'No events.');
}

const describeDelivery = (d: DeliveryView) =>
  `#${d.id}\t${d.type} (event ${d.event})\t${d.state}${d.status !== null ? ` ${d.status}` : ''}\t${d.attempts} attempt${d.attempts === 1 ? '' : 's'}${d.error ? `\t${d.error}` : ''}${d.nextAttemptAt ? `\tnext at ${d.nextAttemptAt}` : ''}`;

async function webhooks(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { url: { type: 'string' }, secret: { type: 'string' }, types: { type: 'string' } });
  const [sub, project, third, fourth] = need(positionals, 2, WEBHOOKS_USAGE);
  const api = client(io);
  const base = `/projects/${enc(project!)}/webhooks`;
  if (sub === 'list' && positionals.length === 2) {
    const answer = await api.json<{ webhooks: WebhookView[] }>('GET', base);
    if (values.json) return io.stdout(JSON.stringify(answer));
    io.stdout(answer.webhooks.map((w) => `${w.id}\t${w.name}\t${w.host}\t${w.types.join(',')}`).join('\n') || 'No webhooks.');
  } else if (sub === 'add' && third && positionals.length === 3) {
    if (values.url === undefined) throw new CliError(`usage: ${WEBHOOKS_USAGE}`, 2);
    const body = { name: third, url: values.url, ...(values.secret !== undefined ? { secret: values.secret } : {}), ...(values.types !== undefined ? { types: values.types } : {}) };
    const answer = await api.json<{ webhook: WebhookView }>('POST', base, body);
    if (values.json) return io.stdout(JSON.stringify(answer));
    const { webhook } = answer;
    io.stdout(`Added webhook ${webhook.id} ${webhook.name}: ${webhook.types.join(',')} go to ${webhook.host}`);
    if (webhook.secret) io.stdout(`Its signing secret (shown once): ${webhook.secret}`);
  } else if (sub === 'remove' && third && positionals.length === 3) {
    // It answers 204 No Content: with --json, nothing is printed.
    await api.json('DELETE', `${base}/${enc(third)}`);
    if (!values.json) io.stdout(`Removed webhook ${third}.`);
  } else if (sub === 'deliveries' && third && positionals.length === 3) {
    const answer = await api.json<{ deliveries: DeliveryView[] }>('GET', `${base}/${enc(third)}/deliveries`);
    if (values.json) return io.stdout(JSON.stringify(answer));
    io.stdout(answer.deliveries.map(describeDelivery).join('\n') || 'No deliveries yet.');
  } else if (sub === 'redeliver' && third && fourth && positionals.length === 4) {
    const sent = await api.json<{ delivery: number }>('POST', `${base}/${enc(third)}/deliveries/${enc(fourth)}/redeliver`);
    io.stdout(values.json ? JSON.stringify(sent) : `Delivery ${sent.delivery} sends it again now.`);
  } else {
    throw new CliError(`usage: ${WEBHOOKS_USAGE}`, 2);
  }
}

export const eventCommands = { events, webhooks };
