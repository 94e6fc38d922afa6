// What a PEM certificate says, read with node:crypto: pure.
import { X509Certificate, createPrivateKey } from 'node:crypto';

export interface CertificateFacts {
  /** The DNS names it covers. */
  names: string[];
  notBefore: string;
  notAfter: string;
  issuer: string;
}

/** The leaf (first) certificate of a PEM chain. */
export function leafOf(chainPem: string): X509Certificate {
  const first = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(chainPem);
  if (!first) throw new Error('no certificate in the PEM');
  return new X509Certificate(first[0]);
}

export function certificateFacts(chainPem: string): CertificateFacts {
  const leaf = leafOf(chainPem);
  const names = (leaf.subjectAltName ?? '').split(', ').filter((n) => n.startsWith('DNS:')).map((n) => n.slice(4));
  return { names, notBefore: new Date(leaf.validFrom).toISOString(), notAfter: new Date(leaf.validTo).toISOString(), issuer: leaf.issuer.replace(/\n/g, ', ') };
}

/** Whether the private key is the certificate's. */
export const keyMatches = (chainPem: string, keyPem: string) => leafOf(chainPem).checkPrivateKey(createPrivateKey(keyPem));
