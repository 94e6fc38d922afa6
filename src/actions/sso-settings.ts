// Single sign-on's settings, the owner's to change: the OpenID Connect provider (issuer, client id,
// client secret — sealed, never shown back, "(set)"/"(changed)" in the audit log — and the login
// button's label) and the switch that turns password sign-in off. Off needs a provider that
// answers; the owner's way back is `spur password-login on` on the server (or an API token,
// which password sign-in does not gate).
import type { Deps } from '../deps.js';
import { Conflict, InvalidFields } from '../errors.js';
import { type SsoProvider, passwordLoginOn, setPasswordLogin, setSsoProvider, ssoProvider } from '../store/sso-settings.js';
import * as validate from '../validate.js';
import { type Actor, requireTo } from './access.js';
import { SECRET, audit } from './record.js';
import { discoverProvider, ssoCallbackUrl } from './sso.js';

const SSO_OBJECT = { kind: 'settings', name: 'single sign-on' };

/** What the Settings page, API and CLI show: never the client secret. */
export async function ssoSettingsView(deps: Deps, user: Actor) {
  await requireTo(deps, user, 'settings.change', { object: SSO_OBJECT });
  const provider = await ssoProvider(deps.db, deps.key);
  return {
    provider: provider && { issuer: provider.issuer, clientId: provider.clientId, label: provider.label },
    passwordLogin: await passwordLoginOn(deps.db),
    /** The redirect URI to register at the provider: Spur's own address, fixed. */
    callbackUrl: await ssoCallbackUrl(deps),
  };
}

export type SsoSettingsView = Awaited<ReturnType<typeof ssoSettingsView>>;

/** The provider a body gives ({ issuer, clientId, clientSecret, label }); the secret may be left
 *  out to keep the one stored. Kept only once the issuer answers discovery. */
async function checkedProvider(deps: Deps, body: unknown): Promise<SsoProvider> {
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const stored = await ssoProvider(deps.db, deps.key);
  const p = validate.fields({
    issuer: () => validate.oidcIssuer(b.issuer),
    clientId: () => validate.oidcClientId(b.clientId),
    clientSecret: () => ((b.clientSecret === undefined || b.clientSecret === '') && stored ? stored.clientSecret : validate.oidcClientSecret(b.clientSecret)),
    label: () => validate.optional(b.label, validate.ssoLabel) ?? 'single sign-on',
  });
  try {
    await discoverProvider(p);
  } catch (err) {
    throw new InvalidFields({ issuer: `issuer: ${p.issuer} did not answer OpenID discovery: ${(err as Error).message}` });
  }
  return p;
}

/** Changes what the body names: `provider` (or null to remove it) and `passwordLogin` (on/off). */
export async function changeSsoSettings(deps: Deps, user: Actor, body: Record<string, unknown>): Promise<SsoSettingsView> {
  await requireTo(deps, user, 'settings.change', { object: SSO_OBJECT });
  const passwordLogin = body.passwordLogin === undefined ? undefined : validate.onOff('password sign-in', body.passwordLogin);
  const provider = body.provider === undefined ? undefined : body.provider === null ? null : await checkedProvider(deps, body.provider);
  const before = await ssoRecord(deps);
  const providerAfter = provider === undefined ? await ssoProvider(deps.db, deps.key) : provider;
  const passwordAfter = passwordLogin ?? !before.ssoOnly;
  if (!passwordAfter && !providerAfter) throw new Conflict(provider === null ? 'turn password sign-in back on before removing single sign-on: nobody could sign in' : 'set up single sign-on before turning password sign-in off: nobody could sign in');
  if (provider !== undefined) await setSsoProvider(deps.db, deps.key, provider);
  if (passwordLogin !== undefined) await setPasswordLogin(deps.db, passwordLogin);
  const after = await ssoRecord(deps, before);
  const changed = (['provider', 'ssoOnly'] as const).filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]));
  const only = (r: Record<string, unknown>) => Object.fromEntries(changed.map((k) => [k, r[k]]));
  await audit(deps, user, 'settings.change', SSO_OBJECT, { before: only(before), after: only(after) });
  return ssoSettingsView(deps, user);
}

/** The settings as the audit log keeps them: the client secret only as "(set)" or "(changed)". */
async function ssoRecord(deps: Deps, before?: { secret: string }) {
  const p = await ssoProvider(deps.db, deps.key);
  const secret = p?.clientSecret ?? '';
  return {
    provider: p && { issuer: p.issuer, clientId: p.clientId, label: p.label, clientSecret: before?.secret && before.secret !== secret ? SECRET.changed : SECRET.set },
    // Named so: a key with "pass" in it would be written as "(set)" (record.ts redacts secrets by key).
    ssoOnly: !(await passwordLoginOn(deps.db)),
    secret,
  };
}
