// One certificate order through acme-client (HTTP-01). acme-client is loaded when the first order
// is placed: an idle Spur never needs it.
import { Agent } from 'node:https';
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

/** Orders a certificate for one hostname; resolves to the chain and its new key (PEM). */
export async function orderCertificate(account: AcmeAccount, hostname: string, tokens: ChallengeTokens): Promise<{ certPem: string; keyPem: string }> {
  const acme = (await import('acme-client')).default;
  acme.axios.defaults.httpsAgent = account.caPem ? new Agent({ ca: account.caPem }) : undefined;
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
