// Whether a domain's DNS points at this server: what the name resolves to, judged against the
// server's public addresses. Answers are kept for a minute; a lookup gives up after 2 seconds.
import { Resolver } from 'node:dns/promises';

export interface DnsAnswer {
  /** here: every address found is this server's; elsewhere: some are not; nowhere: no A/AAAA record. */
  points: 'here' | 'elsewhere' | 'nowhere';
  found: string[];
  expected: string[];
}

export function judgeDns(found: string[], expected: string[]): DnsAnswer {
  const points = found.length === 0 ? 'nowhere' : found.every((a) => expected.includes(a)) ? 'here' : 'elsewhere';
  return { points, found, expected };
}

/** A and AAAA records of a name; none when it does not resolve. */
export async function resolveAddresses(hostname: string): Promise<string[]> {
  const resolver = new Resolver({ timeout: 2000, tries: 1 });
  const answers = await Promise.allSettled([resolver.resolve4(hostname), resolver.resolve6(hostname)]);
  return answers.flatMap((a) => (a.status === 'fulfilled' ? a.value : [])).sort();
}

export class DnsChecks {
  private readonly cache = new Map<string, { at: number; answer: Promise<DnsAnswer> }>();

  constructor(
    private readonly expected: string[],
    private readonly lookup: (hostname: string) => Promise<string[]> = resolveAddresses,
    private readonly ttlMs = 60_000,
  ) {}

  check(hostname: string): Promise<DnsAnswer> {
    const hit = this.cache.get(hostname);
    if (hit && Date.now() - hit.at < this.ttlMs) return hit.answer;
    const answer = this.lookup(hostname).then((found) => judgeDns(found, this.expected), () => judgeDns([], this.expected));
    this.cache.set(hostname, { at: Date.now(), answer });
    if (this.cache.size > 1000) this.cache.delete(this.cache.keys().next().value!);
    return answer;
  }
}
