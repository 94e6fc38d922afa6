// A real OpenID Connect provider for the tests (oidc-provider, its development interactions: a
// login form that takes any account id and a consent form), on a port of this machine, with one
// client registered for Spur's callback and the accounts below. Plus `browse`, a fetch that
// follows redirects and keeps cookies per host, for driving the flow without a browser.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
// @ts-expect-error oidc-provider ships no types
import Provider from 'oidc-provider';

/** Accounts by the id typed on the provider's login form. */
export const OIDC_ACCOUNTS: Record<string, { email: string; email_verified: boolean }> = {
  ada: { email: 'ada@example.com', email_verified: true },
  // Known to Spur, but the provider never verified the address.
  eve: { email: 'eve@example.com', email_verified: false },
  // Verified, but no Spur user has it.
  zed: { email: 'zed@example.com', email_verified: true },
};

export const OIDC_CLIENT = { clientId: 'spur-test', clientSecret: 'a-client-secret-for-tests-0123456789' };

export interface OidcProvider {
  issuer: string;
  close: () => Promise<void>;
}

/** Starts the provider on 127.0.0.1 (an http issuer Spur accepts because it is loopback). */
export async function startOidcProvider(opts: { redirectUri: string }): Promise<OidcProvider> {
  let handle: (req: unknown, res: unknown) => void = () => {};
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: OIDC_CLIENT.clientId, client_secret: OIDC_CLIENT.clientSecret, redirect_uris: [opts.redirectUri], grant_types: ['authorization_code'], response_types: ['code'] }],
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    findAccount: async (_ctx: unknown, id: string) => (OIDC_ACCOUNTS[id] ? { accountId: id, claims: async () => ({ sub: id, ...OIDC_ACCOUNTS[id] }) } : undefined),
    cookies: { keys: ['oidc-test-cookie-key'] },
    // Said, so the provider does not log a notice for each default.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
  });
  provider.on('server_error', (_ctx: unknown, err: Error) => console.error('oidc-provider:', err));
  handle = provider.callback();
  return { issuer, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A cookie jar by host:port, enough for two local servers. */
export class Browser {
  private jars = new Map<string, Map<string, string>>();

  /** Fetches `url` (GET, or POST of a form) and follows redirects; the last answer and its URL.
   *  A redirect to a URL starting with `stopAt` is not followed: its answer has that URL, no text. */
  async go(url: string, form?: Record<string, string>, stopAt?: string): Promise<{ res: Response; url: string; text: string }> {
    let next = new URL(url);
    let init: RequestInit = form ? { method: 'POST', body: new URLSearchParams(form), headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: next.origin } } : { method: 'GET' };
    for (let hops = 0; hops < 20; hops++) {
      const jar = this.jars.get(next.host) ?? new Map<string, string>();
      this.jars.set(next.host, jar);
      const headers = new Headers(init.headers);
      if (jar.size) headers.set('Cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
      const res = await fetch(next, { ...init, headers, redirect: 'manual' });
      for (const line of res.headers.getSetCookie()) {
        const [pair, ...attrs] = line.split(';');
        const [name, value] = [pair.slice(0, pair.indexOf('=')).trim(), pair.slice(pair.indexOf('=') + 1).trim()];
        const gone = value === '' || attrs.some((a) => /^\s*max-age=0$/i.test(a) || (/^\s*expires=/i.test(a) && Date.parse(a.split('=')[1]) < Date.now()));
        if (gone) jar.delete(name);
        else jar.set(name, value);
      }
      const location = res.headers.get('Location');
      if (res.status < 300 || res.status >= 400 || !location) return { res, url: next.href, text: await res.text() };
      await res.body?.cancel();
      next = new URL(location, next);
      init = { method: 'GET' };
      if (stopAt && next.href.startsWith(stopAt)) return { res, url: next.href, text: '' };
    }
    throw new Error(`too many redirects at ${next.href}`);
  }

  cookie(host: string, name: string): string | undefined {
    return this.jars.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string) {
    this.jars.set(host, (this.jars.get(host) ?? new Map()).set(name, value));
  }
}

/** The provider's development pages: the form's action on the page just fetched. */
export const formAction = (page: { url: string; text: string }) => new URL(/<form[^>]*action="([^"]+)"/.exec(page.text)![1].replace(/&amp;/g, '&'), page.url).href;

/** Goes through the provider's login (as `account`) and consent pages from its login page;
 *  the answer after the redirects back to Spur. */
export async function signInAtProvider(browser: Browser, loginPage: { url: string; text: string }, account: string, stopAt?: string) {
  let page = await browser.go(formAction(loginPage), { prompt: 'login', login: account, password: 'any' }, stopAt);
  if (page.text.includes('name="prompt" value="consent"')) page = await browser.go(formAction(page), { prompt: 'consent' }, stopAt);
  return page;
}
