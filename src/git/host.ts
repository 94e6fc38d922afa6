// Where a git URL (or an alert, src/alerts/channels/send.ts) may lead: never to this machine
// (loopback, unspecified), to link-local addresses (cloud metadata at 169.254.169.254) or reserved
// ones (IPv6 forms wrapping an IPv4 address, multicast); to private networks only when the owner allows
// it (SPUR_GIT_ALLOW_PRIVATE=1, a Gitea on the LAN), and then http:// too. Checked on the
// addresses the name resolves to, when the service is created and again before each clone.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';
import { InvalidInput } from '../errors.js';

export type AddressKind = 'loopback' | 'link-local' | 'unspecified' | 'reserved' | 'private' | 'public';

const ranges: [AddressKind, 'ipv4' | 'ipv6', string, number][] = [
  ['loopback', 'ipv4', '127.0.0.0', 8],
  ['loopback', 'ipv6', '::1', 128],
  ['unspecified', 'ipv4', '0.0.0.0', 8],
  ['unspecified', 'ipv6', '::', 128],
  ['link-local', 'ipv4', '169.254.0.0', 16],
  ['link-local', 'ipv6', 'fe80::', 10],
  // Cloud metadata services that sit in private ranges (Alibaba's; AWS's over IPv6).
  ['link-local', 'ipv4', '100.100.100.200', 32],
  ['link-local', 'ipv6', 'fd00:ec2::254', 128],
  // IPv6 forms that carry an IPv4 address (NAT64, 6to4, IPv4-compatible) could lead to any of the
  // above, and the ranges nobody serves from (benchmarking, multicast, the future, site-local).
  ['reserved', 'ipv6', '64:ff9b::', 96],
  ['reserved', 'ipv6', '64:ff9b:1::', 48],
  ['reserved', 'ipv6', '2002::', 16],
  ['reserved', 'ipv6', '::', 96],
  // IPv4-translated (SIIT), Teredo and the rest of the IETF's protocol block, discard-only, documentation.
  ['reserved', 'ipv6', '::ffff:0:0:0', 96],
  ['reserved', 'ipv6', '2001::', 23],
  ['reserved', 'ipv6', '100::', 64],
  ['reserved', 'ipv6', '2001:db8::', 32],
  ['reserved', 'ipv6', 'fec0::', 10],
  ['reserved', 'ipv6', 'ff00::', 8],
  ['reserved', 'ipv4', '192.0.0.0', 24],
  ['reserved', 'ipv4', '198.18.0.0', 15],
  ['reserved', 'ipv4', '224.0.0.0', 4],
  ['reserved', 'ipv4', '240.0.0.0', 4],
  ['private', 'ipv4', '10.0.0.0', 8],
  ['private', 'ipv4', '172.16.0.0', 12],
  ['private', 'ipv4', '192.168.0.0', 16],
  ['private', 'ipv4', '100.64.0.0', 10],
  ['private', 'ipv6', 'fc00::', 7],
];
const lists = new Map<AddressKind, BlockList>();
for (const [kind, family, net, prefix] of ranges) {
  if (!lists.has(kind)) lists.set(kind, new BlockList());
  lists.get(kind)!.addSubnet(net, prefix, family);
}

/** What kind of address `ip` is; an IPv4-mapped IPv6 address counts as its IPv4 address. Pure. */
export function addressKind(ip: string): AddressKind {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const address = mapped ? mapped[1] : ip;
  const family = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  for (const [kind, list] of lists) if (list.check(address, family)) return kind;
  return 'public';
}

export interface GitTarget {
  scheme: 'https' | 'http' | 'ssh';
  host: string;
  port: number;
}

/** Scheme, host and port of a validated git URL (https://, http://, ssh:// or user@host:path). */
export function gitTarget(url: string): GitTarget {
  const scp = /^[A-Za-z0-9._-]+@([A-Za-z0-9.-]+):/.exec(url);
  if (scp) return { scheme: 'ssh', host: scp[1], port: 22 };
  const u = new URL(url);
  const scheme = u.protocol.slice(0, -1) as GitTarget['scheme'];
  const host = u.hostname.replace(/^\[(.*)\]$/, '$1');
  return { scheme, host, port: Number(u.port) || (scheme === 'https' ? 443 : scheme === 'http' ? 80 : 22) };
}

/** The decision for a set of resolved addresses. Pure. */
export function refusal(target: GitTarget, addresses: string[], allowPrivate: boolean): string | null {
  // The kind of address, never the address a name resolved to: no window on this machine's resolver.
  const is = isIP(target.host) ? 'is' : 'resolves to';
  for (const address of addresses) {
    const kind = addressKind(address);
    if (kind === 'loopback' || kind === 'unspecified' || kind === 'link-local' || kind === 'reserved') return `${target.host} ${is} a ${kind} address; Spur does not fetch from there`;
    if (kind === 'private' && !allowPrivate) return `${target.host} ${is} an address on a private network; the owner can allow private git hosts with SPUR_GIT_ALLOW_PRIVATE=1`;
  }
  if (target.scheme === 'http' && !(allowPrivate && addresses.every((a) => addressKind(a) === 'private'))) {
    return 'http:// is accepted only for git hosts on a private network (with SPUR_GIT_ALLOW_PRIVATE=1); use https://';
  }
  return null;
}

/** Resolves the URL's host and refuses it per the rules above; returns the address to use. */
export async function checkGitHost(url: string, opts: { allowPrivate: boolean }): Promise<{ target: GitTarget; address: string }> {
  const target = gitTarget(url);
  if (target.scheme === 'http' && !opts.allowPrivate) throw new InvalidInput('git URL', refusal(target, [], false)!);
  let addresses: string[];
  if (isIP(target.host)) addresses = [target.host];
  else {
    try {
      addresses = (await lookup(target.host, { all: true, verbatim: true })).map((a) => a.address);
    } catch {
      throw new InvalidInput('git URL', `${target.host} does not resolve`);
    }
  }
  const reason = refusal(target, addresses, opts.allowPrivate);
  if (reason) throw new InvalidInput('git URL', reason);
  return { target, address: addresses[0] };
}
