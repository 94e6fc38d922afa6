// Signing in with OpenID Connect (openid-client): the authorization code flow with PKCE, state and
// nonce. What the flow must remember between the two legs rides in a short-lived cookie sealed
// with the installation's key; the callback checks it, takes each state once, and matches the
// user by an email the provider says it verified to an existing Spur user — nobody is created.
// Every sign-in and every refusal is written to the audit log ('login.sso', via the UI).
// (When Spur's own TOTP lands: a sign-in through here skips it — the provider does the MFA.)
import * as oidc from 'openid-client';
import type { User } from '../db/schema.js';
import type { Deps } from '../deps.js';
import { seal, unseal } from '../secrets.js';
import { type SsoProvider, ssoProvider } from '../store/sso-settings.js';
import { findUserByEmail } from '../store/users.js';
import { spurUrl } from './domains.js';
import { recordLogin } from './record.js';

/** How long a started sign-in may take at the provider. */
export const SSO_PENDING_MS = 10 * 60_000;

/** A refused sign-in: `message` is what the login page says. */
export class SsoRefused extends Error {}

/** The redirect URI: always Spur's own address (its domain, else SPUR_PUBLIC_URL), never a header's. */
export const ssoCallbackUrl = async (deps: Pick<Deps, 'db' | 'config'>) => `${(await spurUrl(deps)).replace(/\/$/, '')}/login/sso/callback`;

/** The provider's configuration by discovery. Plain HTTP only reaches a loopback issuer
 *  (validate.oidcIssuer refused any other when it was saved). */
export function discoverProvider(p: Pick<SsoProvider, 'issuer' | 'clientId' | 'clientSecret'>): Promise<oidc.Configuration> {
  const insecure = new URL(p.issuer).protocol === 'http:';
  return oidc.discovery(new URL(p.issuer), p.clientId, undefined, oidc.ClientSecretBasic(p.clientSecret), insecure ? { execute: [oidc.allowInsecureRequests] } : undefined);
}

/** What the login page offers: the SSO button's label (null: no SSO) and whether passwords sign in. */
export async function ssoLoginLabel(deps: Pick<Deps, 'db' | 'key'>): Promise<string | null> {
  return (await ssoProvider(deps.db, deps.key))?.label ?? null;
}

interface Pending {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
  expires: number;
}

/** The first leg: where to send the browser, and the sealed value of the cookie to keep until it
 *  comes back. */
export async function startSsoSignIn(deps: Pick<Deps, 'db' | 'key' | 'config'>, opts: { next: string; now: number }): Promise<{ url: string; pending: string }> {
  const provider = await ssoProvider(deps.db, deps.key);
  if (!provider) throw new SsoRefused('Single sign-on is not set up.');
  const config = await discoverProvider(provider).catch((err: Error) => {
    throw new SsoRefused(`${provider.label} did not answer: ${err.message}`);
  });
  const pending: Pending = { state: oidc.randomState(), nonce: oidc.randomNonce(), verifier: oidc.randomPKCECodeVerifier(), next: opts.next, expires: opts.now + SSO_PENDING_MS };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: await ssoCallbackUrl(deps),
    scope: 'openid email',
    state: pending.state,
    nonce: pending.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.verifier),
    code_challenge_method: 'S256',
  });
  return { url: url.href, pending: seal(deps.key, JSON.stringify(pending)) };
}

function openPending(key: Buffer, sealed: string | undefined, now: number): Pending {
  let p: Pending | undefined;
  try {
    p = sealed ? (JSON.parse(unseal(key, sealed)) as Pending) : undefined;
  } catch {
    p = undefined;
  }
  if (!p) throw new SsoRefused('This sign-in was not started from this browser, or it took too long. Start again.');
  if (p.expires < now) throw new SsoRefused('This sign-in took longer than 10 minutes. Start again.');
  return p;
}

/** The second leg: the provider's answer at `callbackUrl` (with the browser's cookie) checked and
 *  turned into the Spur user it names. `once(state)` is false when that state was used before:
 *  a replayed answer is refused. Refusals are recorded and thrown as SsoRefused. */
export async function finishSsoSignIn(deps: Pick<Deps, 'db' | 'key' | 'config'>, opts: { callbackUrl: URL; pending: string | undefined; once: (state: string, expires: number) => boolean; address: string; now: number }): Promise<{ user: User; next: string }> {
  const refuse = async (reason: string, message: string, user?: User): Promise<never> => {
    await recordLogin(deps, { user, address: opts.address, ok: false, action: 'login.sso', reason });
    throw new SsoRefused(message);
  };
  let pending: Pending;
  try {
    pending = openPending(deps.key, opts.pending, opts.now);
  } catch (err) {
    return refuse('no sign-in pending in this browser (missing, forged or expired)', (err as Error).message);
  }
  const provider = await ssoProvider(deps.db, deps.key);
  if (!provider) return refuse('single sign-on is not set up', 'Single sign-on is not set up.');
  const returned = opts.callbackUrl.searchParams.get('error');
  if (returned) return refuse(`the provider answered ${returned}`, `${provider.label} did not sign you in (${returned.slice(0, 100)}).`);
  if (opts.callbackUrl.searchParams.get('state') !== pending.state) return refuse('wrong state', 'This answer does not belong to the sign-in this browser started. Start again.');
  if (!opts.once(pending.state, pending.expires)) return refuse('replayed answer (this state was used before)', 'This sign-in answer was already used. Start again.');
  // The provider's answer arrives at Spur's own callback whatever host the request named.
  const answer = new URL(await ssoCallbackUrl(deps));
  answer.search = opts.callbackUrl.search;
  let claims: Record<string, unknown>;
  try {
    const config = await discoverProvider(provider);
    const tokens = await oidc.authorizationCodeGrant(config, answer, { pkceCodeVerifier: pending.verifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
    const idClaims = tokens.claims()!;
    claims = { ...idClaims };
    // Providers that keep the ID token small (oidc-provider, Keycloak with some settings) give the
    // email at the userinfo endpoint; the subject must be the ID token's.
    if ((claims.email === undefined || claims.email_verified === undefined) && config.serverMetadata().userinfo_endpoint) {
      claims = { ...(await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub)), ...idClaims, ...pickEmail(claims) };
    }
  } catch (err) {
    return refuse(`the provider's answer did not check out: ${(err as Error).message}`, `${provider.label} did not sign you in: ${(err as Error).message}`);
  }
  const email = typeof claims.email === 'string' ? claims.email.trim().toLowerCase() : '';
  if (!email) return refuse('the provider gave no email', `${provider.label} did not give an email address; Spur matches users by email.`);
  if (claims.email_verified !== true) return refuse(`the email ${email} is not verified by the provider`, `${provider.label} has not verified the email ${email}; Spur signs in only verified emails.`);
  const user = await findUserByEmail(deps.db, email);
  if (!user) return refuse(`no Spur user has the email ${email}`, `No Spur account has the email ${email}. Ask an owner to add you.`);
  await recordLogin(deps, { user, address: opts.address, ok: true, action: 'login.sso' });
  return { user, next: pending.next };
}

/** The ID token's email claims, when it had them (they win over userinfo's). */
const pickEmail = (c: Record<string, unknown>) => Object.fromEntries(Object.entries(c).filter(([k, v]) => (k === 'email' || k === 'email_verified') && v !== undefined));
