// One certificate order through acme-client (HTTP-01). acme-client is loaded when the first order
// is placed: an idle Spur never needs it.
import { Agent, get } from 'node:https';
import type { ChallengeTokens } from './challenges.js';

export interface AcmeAccount {
  directoryUrl: string;
  /** PEM of the account's private key. */
  accountKeyPem: string;
  email?: string;
  /** Extra CA for a private ACME server's HTTPS (SPUR_ACME_CA_FILE). */
  caPem?: string;
}

export async function newAccountKeyPem(): Promise<string> {
  const acme = (await import('acme-client')).default;
  return (await acme.crypto.createPrivateKey()).toString();
}

/** The directory answers, or the order fails at once saying so (acme-client, after its retries,
 *  reports an unreachable server as "Cannot read properties of undefined"). */
function reachDirectory(url: string, agent: Agent | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, timeout: 15_000 }, (res) => {
      res.resume();
      if (res.statusCode === 200) resolve();
      else reject(new Error(`the ACME directory ${url} answered HTTP ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error('timed out')));
    req.on('error', (err) => reject(new Error(`could not reach the ACME directory ${url}: ${err.message}`)));
  });
}

/** Orders a certificate for one hostname; resolves to the chain and its new key (PEM). */
export async function orderCertificate(account: AcmeAccount, hostname: string, tokens: ChallengeTokens): Promise<{ certPem: string; keyPem: string }> {
  const agent = account.caPem ? new Agent({ ca: account.caPem }) : undefined;
  await reachDirectory(account.directoryUrl, agent);
  const acme = (await import('acme-client')).default;
  acme.axios.defaults.httpsAgent = agent;
  // A CA that stops answering mid-order fails the order soon; Spur retries it after a back-off.
  const defaults = acme.axios.defaults as typeof acme.axios.defaults & { acmeSettings: Record<string, number> };
  defaults.acmeSettings = { ...defaults.acmeSettings, retryMaxAttempts: 2, retryDefaultDelay: 2 };
  const client = new acme.Client({ directoryUrl: account.directoryUrl, accountKey: account.accountKeyPem });
  const [key, csr] = await acme.crypto.createCsr({ altNames: [hostname] });
  const certPem = await client.auto({
    csr,
    email: account.email,
    termsOfServiceAgreed: true,
    challengePriority: ['http-01'],
    // acme-client's own pre-check asks this machine's resolver and port 80; the CA's answer is the one that counts.
    skipChallengeVerification: true,
    challengeCreateFn: async (_authz, challenge, keyAuthorization) => tokens.set(challenge.token, keyAuthorization),
    challengeRemoveFn: async (_authz, challenge) => tokens.delete(challenge.token),
  });
  return { certPem, keyPem: key.toString() };
}
