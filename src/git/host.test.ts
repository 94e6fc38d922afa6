import { describe, expect, it } from 'vitest';
import { addressKind, gitTarget, refusal } from './host.js';

describe('addressKind', () => {
  it.each([
    ['127.0.0.1', 'loopback'], ['127.9.9.9', 'loopback'], ['::1', 'loopback'], ['::ffff:127.0.0.1', 'loopback'],
    ['0.0.0.0', 'unspecified'], ['::', 'unspecified'],
    ['169.254.169.254', 'link-local'], ['fe80::1', 'link-local'], ['::ffff:169.254.169.254', 'link-local'], ['::ffff:7f00:1', 'loopback'],
    // Metadata in private ranges; IPv6 forms wrapping an IPv4 address; ranges nobody serves from.
    ['100.100.100.200', 'link-local'], ['fd00:ec2::254', 'link-local'],
    ['64:ff9b::a00:5', 'reserved'], ['64:ff9b:1::1', 'reserved'], ['2002:a00:5::1', 'reserved'], ['::a00:5', 'reserved'],
    ['::ffff:0:7f00:1', 'reserved'], ['2001::1', 'reserved'], ['100::1', 'reserved'], ['2001:db8::1', 'reserved'], ['2001:4860:4860::8888', 'public'],
    ['fec0::1', 'reserved'], ['ff02::1', 'reserved'], ['224.0.0.1', 'reserved'], ['240.0.0.1', 'reserved'], ['198.18.0.1', 'reserved'], ['192.0.0.8', 'reserved'],
    ['10.1.2.3', 'private'], ['172.17.0.1', 'private'], ['192.168.1.10', 'private'], ['fd00::5', 'private'], ['100.64.0.1', 'private'],
    ['140.82.112.3', 'public'], ['2606:4700::1111', 'public'], ['172.32.0.1', 'public'],
  ])('%s is %s', (ip, kind) => expect(addressKind(ip)).toBe(kind));
});

describe('gitTarget', () => {
  it('reads scheme, host and port from each URL form', () => {
    expect(gitTarget('https://github.com/a/b.git')).toEqual({ scheme: 'https', host: 'github.com', port: 443 });
    expect(gitTarget('http://gitea.lan:3000/a/b.git')).toEqual({ scheme: 'http', host: 'gitea.lan', port: 3000 });
    expect(gitTarget('ssh://git@[::1]:2222/a/b.git')).toEqual({ scheme: 'ssh', host: '::1', port: 2222 });
    expect(gitTarget('git@github.com:a/b.git')).toEqual({ scheme: 'ssh', host: 'github.com', port: 22 });
  });
});

describe('refusal', () => {
  const https = { scheme: 'https' as const, host: 'h', port: 443 };
  const http = { scheme: 'http' as const, host: 'h', port: 80 };
  it('always refuses loopback, unspecified and link-local, whatever else the name resolves to', () => {
    expect(refusal(https, ['140.82.112.3', '127.0.0.1'], true)).toMatch(/loopback address/);
    expect(refusal(https, ['169.254.169.254'], true)).toMatch(/link-local/);
    expect(refusal(https, ['0.0.0.0'], true)).toMatch(/unspecified/);
  });
  it('allows private networks, and http:// to them, only when the owner allows it', () => {
    expect(refusal(https, ['10.0.0.5'], false)).toMatch(/SPUR_GIT_ALLOW_PRIVATE=1/);
    expect(refusal(https, ['10.0.0.5'], true)).toBeNull();
    expect(refusal(http, ['10.0.0.5'], true)).toBeNull();
    expect(refusal(http, ['10.0.0.5'], false)).toMatch(/private network/);
    expect(refusal(http, ['140.82.112.3'], true)).toMatch(/http:\/\/ is accepted only/);
  });
  it('names the kind of address a name resolved to, not the address', () => {
    const named = gitTarget('https://vm.internal/org/repo.git');
    expect(refusal(named, ['10.0.0.5'], false)).toBe('vm.internal resolves to an address on a private network; the owner can allow private git hosts with SPUR_GIT_ALLOW_PRIVATE=1');
    expect(refusal(named, ['127.0.1.1'], false)).toBe('vm.internal resolves to a loopback address; Spur does not fetch from there');
  });

  it('lets public hosts through', () => expect(refusal(https, ['140.82.112.3'], false)).toBeNull());
});
