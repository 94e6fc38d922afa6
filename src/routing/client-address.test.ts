import { describe, expect, it } from 'vitest';
import { clientAddress, normalizeAddress } from './client-address.js';

const TRAEFIK = '172.18.0.3';
const trusted = (a: string) => a === TRAEFIK;
const from = (peer: string | undefined, forwardedFor?: string) => clientAddress({ peer, forwardedFor, trusted });

describe('clientAddress', () => {
  it('is the peer when the peer is not a trusted proxy, whatever the header says', () => {
    expect(from('203.0.113.9', '198.51.100.1')).toBe('203.0.113.9');
    expect(from('172.18.0.4', '198.51.100.1')).toBe('172.18.0.4');
  });

  it('is the address the trusted proxy appended, not the one a client wrote to its left', () => {
    expect(from(TRAEFIK, '198.51.100.1')).toBe('198.51.100.1');
    expect(from(TRAEFIK, '10.9.9.9, 1.1.1.1,198.51.100.1')).toBe('198.51.100.1');
  });

  it('skips trusted proxies from the right', () => {
    expect(from(TRAEFIK, `198.51.100.1, ${TRAEFIK}`)).toBe('198.51.100.1');
    expect(from(TRAEFIK, TRAEFIK)).toBe(TRAEFIK);
  });

  it('is the proxy itself when it sent no header or a malformed last entry', () => {
    expect(from(TRAEFIK, undefined)).toBe(TRAEFIK);
    expect(from(TRAEFIK, '')).toBe(TRAEFIK);
    expect(from(TRAEFIK, '198.51.100.1, not-an-address')).toBe(TRAEFIK);
    expect(from(TRAEFIK, '198.51.100.1:4242')).toBe(TRAEFIK);
  });

  it('reads IPv4-mapped IPv6 peers and entries as IPv4, and IPv6 as is', () => {
    expect(from(`::ffff:${TRAEFIK}`, '::ffff:198.51.100.1')).toBe('198.51.100.1');
    expect(from(TRAEFIK, '2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeAddress(' ::FFFF:10.0.0.1 ')).toBe('10.0.0.1');
  });

  it('is "unknown" without a socket (in-process requests)', () => {
    expect(from(undefined, '198.51.100.1')).toBe('unknown');
  });
});
