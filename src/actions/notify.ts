// Sends one message to every channel it goes to: the installation's channels hear everything, a
// project's channels their project's. Each delivery's outcome is answered (a channel that fails
// does not stop the others), never thrown.
import type { Deps } from '../deps.js';
import { type AlertMessage, channelKind } from '../alerts/channels/index.js';
import { send } from '../alerts/channels/send.js';
import { channelSettings, listAlertChannels } from '../store/alert-channels.js';
import { smtpSettings } from '../store/settings.js';

export interface Delivered {
  channel: string;
  /** One of the installation's channels, not the project's. */
  installation: boolean;
  /** Why it did not arrive; null: it did. */
  error: string | null;
}

export async function notify(deps: Deps, projectId: number | null, message: AlertMessage): Promise<Delivered[]> {
  const channels = [...(await listAlertChannels(deps.db, null)), ...(projectId === null ? [] : await listAlertChannels(deps.db, projectId))];
  return Promise.all(
    channels.map(async (c): Promise<Delivered> => {
      const kind = channelKind(c.kind);
      const installation = c.project_id === null;
      if (!kind) return { channel: c.name, installation, error: `no channel kind ${c.kind}` };
      try {
        await send(kind, channelSettings(deps.key, c), message, { allowPrivate: deps.config.notifyAllowPrivate, smtp: () => smtpSettings(deps.db, deps.key) });
        return { channel: c.name, installation, error: null };
      } catch (err) {
        deps.log.warn('an alert did not reach its channel', { channel: c.name, kind: c.kind, error: String((err as Error).message ?? err) });
        return { channel: c.name, installation, error: String((err as Error).message ?? err).slice(0, 500) };
      }
    }),
  );
}

/** Spur's address for a path in it (the link a message carries). */
export const linkTo = (deps: Pick<Deps, 'config'>, path: string | null | undefined) => (path ? `${deps.config.publicUrl}${path}` : undefined);
