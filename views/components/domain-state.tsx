// A domain's certificate state and where its DNS points, as the Settings tab and Spur's own
// settings page show them.
import type { DomainView } from '../../src/actions/domains.js';
import { Time } from './time.js';

/** pending → issuing → active (expires in N days), or failed with the CA's words. */
export function CertificateState(c: DomainView['certificate']) {
  if (c.status === 'off') return <span class="muted">HTTPS off</span>;
  if (c.status === 'active') return <span class="muted">HTTPS, certificate expires in {c.daysLeft} days</span>;
  if (c.status === 'failed') return <span class="field-error">certificate failed: {c.error}{c.retryAt && <> (next try <Time at={c.retryAt} />)</>}</span>;
  return <span class="muted">certificate {c.status}</span>;
}

/** Where the name points: here, elsewhere (what was found and what was expected), or nowhere. */
export function DnsState(d: DomainView['dns']) {
  const expected = d.expected.join(', ');
  if (d.points === 'here') return <span class="muted">DNS points here</span>;
  if (d.points === 'elsewhere') return <span class="field-error">DNS points to {d.found.join(', ')}, not this server ({expected})</span>;
  return <span class="field-error">DNS: no A or AAAA record yet (point it at {expected})</span>;
}
