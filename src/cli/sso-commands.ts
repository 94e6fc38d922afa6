// `spur sso`: single sign-on's settings over the API (owners); `spur password-login on`, run on
// the server against its database: the owner's way back in when the provider locks them out.
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/open.js';
import { audit } from '../actions/record.js';
import { passwordLoginOn, setPasswordLogin } from '../store/sso-settings.js';
import { CliError } from './client.js';
import { type CliIo, args, client } from './shared.js';

const USAGE = 'spur sso [--issuer URL --client-id ID [--client-secret S, or SPUR_SSO_CLIENT_SECRET] [--label L] | --issuer none] [--password-login on|off]';

interface SsoView {
  provider: { issuer: string; clientId: string; label: string } | null;
  passwordLogin: boolean;
  callbackUrl: string;
}

/** The provider the flags give: undefined when none is given, null for --issuer none. */
function providerChange(values: Record<string, string | boolean | undefined>, env: NodeJS.ProcessEnv) {
  const issuer = values.issuer;
  if (issuer === undefined) {
    if (['client-id', 'client-secret', 'label'].some((f) => values[f] !== undefined)) throw new CliError('give --issuer with --client-id and the other single sign-on settings', 2);
    return undefined;
  }
  if (issuer === 'none') return null;
  return { issuer, clientId: values['client-id'], clientSecret: values['client-secret'] ?? env.SPUR_SSO_CLIENT_SECRET, label: values.label };
}

async function sso(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { issuer: { type: 'string' }, 'client-id': { type: 'string' }, 'client-secret': { type: 'string' }, label: { type: 'string' }, 'password-login': { type: 'string' } });
  if (positionals.length) throw new CliError(`usage: ${USAGE}`, 2);
  const change = { provider: providerChange(values, io.env), passwordLogin: values['password-login'] };
  const api = client(io);
  const unchanged = Object.values(change).every((v) => v === undefined);
  const s = unchanged ? await api.json<SsoView>('GET', '/settings/sso') : await api.json<SsoView>('PATCH', '/settings/sso', change);
  io.stdout(
    values.json
      ? JSON.stringify(s)
      : [
          `Single sign-on:   ${s.provider ? `"Sign in with ${s.provider.label}" — ${s.provider.issuer} (client ${s.provider.clientId})` : 'none'}`,
          `Redirect URI:     ${s.callbackUrl}`,
          `Password sign-in: ${s.passwordLogin ? 'on' : 'off (if you are locked out: spur password-login on, on the server)'}`,
        ].join('\n'),
  );
}

/** `spur password-login on` on the server: password sign-in back on, recorded as the server console's. */
export async function passwordLoginCommand(argv: string[], io: CliIo): Promise<void> {
  if (argv.length !== 1 || argv[0] !== 'on') throw new CliError('usage: spur password-login on   (run on the server; turning it off is done in Settings, where single sign-on is checked first)', 2);
  const db = await openDatabase(join(loadConfig(io.env).dataDir, 'spur.db'));
  try {
    if (await passwordLoginOn(db)) {
      io.stdout('Password sign-in is already on');
      return;
    }
    await setPasswordLogin(db, true);
    await audit({ db }, { kind: 'system', name: 'server console', via: 'cli' }, 'settings.change', { kind: 'settings', name: 'single sign-on' }, { before: { ssoOnly: true }, after: { ssoOnly: false } });
  } finally {
    await db.destroy();
  }
  io.stdout('Password sign-in is on again: users with a password can log in on the login page');
}

export const ssoCommands = { sso };
