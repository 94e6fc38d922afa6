// Obtains and renews the certificates of custom domains, one order at a time, and writes what
// Traefik serves. Orders are placed when a domain is added, and by the hourly check for what is
// due (src/tls/renewal-policy.ts); a failure is kept with the CA's words and retried after a back-off.
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../db/open.js';
import { oneLine } from '../errors.js';
import type { InstanceKey } from '../store/domains.js';
import type { Log } from '../log.js';
import { unseal } from '../secrets.js';
import { acmeEmail, spurDomain } from '../store/settings.js';
import { acmeAccountKey, forgetInterruptedOrders, httpsDomains, markIssuing, recordCertificate, recordOrderFailure, servedCertificates } from '../store/certificates.js';
import type { orderCertificate } from './acme-order.js';
import { certificateFacts } from './certificate-facts.js';
import type { ChallengeTokens } from './challenges.js';
import { backoffMs, orderDue } from './renewal-policy.js';
import { certFileName, keyFileName, traefikDynamicConfig } from './traefik-dynamic.js';

export interface IssuerDeps {
  db: Db;
  key: Buffer;
  log: Log;
  tokens: ChallengeTokens;
  /** The contact email is read with each order (the owner may change it). */
  acme: { directoryUrl: string; caPem?: string };
  /** Traefik's directory on the host: `certs/` and `dynamic/spur.yml`, mounted into Traefik. */
  traefikDir: string;
  /** Where Traefik reaches the challenge responder. */
  challengeUrl: string;
  /** Where Traefik reaches Spur's own HTTP server; unknown until Docker answers. */
  spurUpstream?: () => string | undefined;
  /** Called when a domain's certificate is written: its service is served over HTTPS from now. */
  onCertificate?: (instance: InstanceKey) => Promise<void>;
  /** Tests place orders through their own function (a CA that is unreachable, say). */
  order?: typeof orderCertificate;
}

export class CertificateIssuer {
  private queue: Promise<void> = Promise.resolve();
  constructor(private readonly deps: IssuerDeps) {}

  /** Resets orders a stop interrupted and writes Traefik's files for what is stored. */
  async start(): Promise<void> {
    await forgetInterruptedOrders(this.deps.db);
    await this.writeTraefikFiles();
  }

  /** Places every order due at `now`, after any run already queued. */
  run(now: Date = new Date()): Promise<void> {
    this.queue = this.queue.then(() => this.placeDueOrders(now)).catch((err) => this.deps.log.error('certificate run failed', { error: String(err) }));
    return this.queue;
  }

  private async placeDueOrders(now: Date): Promise<void> {
    const due = (await httpsDomains(this.deps.db)).filter((d) => orderDue(d, now));
    for (const domain of due) {
      await markIssuing(this.deps.db, domain.id);
      try {
        // acme-client is loaded with the first order: an idle Spur never needs it.
        const acme = await import('./acme-order.js');
        const accountKeyPem = await acmeAccountKey(this.deps.db, this.deps.key, acme.newAccountKeyPem);
        const email = (await acmeEmail(this.deps.db)) ?? undefined;
        const { certPem, keyPem } = await (this.deps.order ?? acme.orderCertificate)({ ...this.deps.acme, email, accountKeyPem }, domain.hostname, this.deps.tokens);
        const facts = certificateFacts(certPem);
        if (!facts.names.includes(domain.hostname)) throw new Error(`the CA issued a certificate for ${facts.names.join(', ')}, not ${domain.hostname}`);
        await recordCertificate(this.deps.db, this.deps.key, domain.id, { certPem, keyPem, notAfter: facts.notAfter });
        this.deps.log.info(`certificate for ${domain.hostname} obtained`, { expires: facts.notAfter });
        await this.writeTraefikFiles();
        // Spur's own domain (no service) is routed by the files just written.
        if (domain.service_id === null || domain.environment_id === null) continue;
        await this.deps.onCertificate?.({ serviceId: domain.service_id, environmentId: domain.environment_id }).catch((err) => this.deps.log.warn(`${domain.hostname} is not routed over HTTPS yet; the next deploy does it`, { error: String(err) }));
      } catch (err) {
        const failures = domain.tls_failures + 1;
        const error = oneLine(err);
        await recordOrderFailure(this.deps.db, domain.id, { error, failures, retryAt: new Date(now.getTime() + backoffMs(failures)).toISOString() });
        this.deps.log.warn(`certificate for ${domain.hostname} failed (${failures} in a row)`, { error });
      }
    }
    // A domain removed or with HTTPS turned off takes its files with it.
    await this.writeTraefikFiles();
  }

  /** Writes each served certificate and key (0600) and the dynamic configuration that lists
   *  them; removes the files of certificates no longer served. */
  async writeTraefikFiles(): Promise<void> {
    const certs = join(this.deps.traefikDir, 'certs');
    const dynamic = join(this.deps.traefikDir, 'dynamic');
    mkdirSync(certs, { recursive: true, mode: 0o700 });
    mkdirSync(dynamic, { recursive: true, mode: 0o700 });
    const served = await servedCertificates(this.deps.db);
    const keep = new Set<string>();
    for (const c of served) {
      writeAtomically(join(certs, certFileName(c.hostname)), c.cert_pem);
      writeAtomically(join(certs, keyFileName(c.hostname)), unseal(this.deps.key, c.key_sealed));
      keep.add(certFileName(c.hostname)).add(keyFileName(c.hostname));
    }
    for (const file of readdirSync(certs)) if (!keep.has(file)) rmSync(join(certs, file), { force: true });
    // JSON is YAML: Traefik's file provider reads it as such.
    const own = await spurDomain(this.deps.db);
    const upstream = this.deps.spurUpstream?.();
    // Spur listens for Traefik on this host's docker_gwbridge address: the one its metrics may be read from.
    const metricsFrom = upstream ? new URL(upstream).hostname.replace(/^\[(.*)\]$/, '$1') : undefined;
    const config = traefikDynamicConfig({ challengeUrl: this.deps.challengeUrl, hostnames: served.map((c) => c.hostname), spur: own && upstream ? { hostname: own.hostname, upstream } : undefined, metricsFrom });
    writeAtomically(join(dynamic, 'spur.yml'), JSON.stringify(config, null, 2) + '\n');
  }
}

function writeAtomically(file: string, content: string): void {
  writeFileSync(`${file}.new`, content, { mode: 0o600 });
  chmodSync(`${file}.new`, 0o600);
  renameSync(`${file}.new`, file);
}

