// Single sign-on's settings: the OpenID Connect provider (sealed: it holds the client secret) and
// whether password sign-in is turned off. Plain text for the switch, so `spur password-login on`
// on the server can turn it back without the installation's key.
import type { Db } from '../db/open.js';
import { readSealed, readSetting, writeSealed, writeSetting } from './settings.js';

const SSO_PROVIDER = 'sso_provider';
const PASSWORD_LOGIN = 'password_login';

/** The OpenID Connect provider users sign in with. */
export interface SsoProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** "Sign in with <label>" on the login page. */
  label: string;
}

export const ssoProvider = (db: Db, key: Buffer): Promise<SsoProvider | null> => readSealed<SsoProvider>(db, key, SSO_PROVIDER);

export const setSsoProvider = (db: Db, key: Buffer, provider: SsoProvider | null): Promise<void> => writeSealed(db, key, SSO_PROVIDER, provider);

/** Whether passwords sign in on the login page (on unless the owner turned it off). */
export const passwordLoginOn = async (db: Db): Promise<boolean> => (await readSetting(db, PASSWORD_LOGIN)) !== 'off';

export const setPasswordLogin = (db: Db, on: boolean): Promise<void> => writeSetting(db, PASSWORD_LOGIN, on ? null : 'off');
