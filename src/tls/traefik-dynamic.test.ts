import { describe, expect, it } from 'vitest';
import { traefikDynamicConfig } from './traefik-dynamic.js';

const challenge = { rule: 'PathPrefix(`/.well-known/acme-challenge/`)', entryPoints: ['web'], priority: 2_147_483_000, service: 'spur-acme-challenge' };
const challengeService = { loadBalancer: { servers: [{ url: 'http://10.0.0.5:3080' }] } };
const spurService = { loadBalancer: { servers: [{ url: 'http://172.18.0.1:3000' }] } };

describe('traefikDynamicConfig', () => {
  it('routes challenges and lists the certificates, sorted', () => {
    expect(traefikDynamicConfig({ challengeUrl: 'http://10.0.0.5:3080', hostnames: ['b.example', 'a.example'] })).toEqual({
      http: { routers: { 'spur-acme-challenge': challenge }, services: { 'spur-acme-challenge': challengeService } },
      tls: {
        certificates: [
          { certFile: '/etc/spur-traefik/certs/a.example.crt', keyFile: '/etc/spur-traefik/certs/a.example.key' },
          { certFile: '/etc/spur-traefik/certs/b.example.crt', keyFile: '/etc/spur-traefik/certs/b.example.key' },
        ],
      },
    });
  });

  it("serves Spur's own domain over plain HTTP until its certificate is served", () => {
    expect(traefikDynamicConfig({ challengeUrl: 'http://10.0.0.5:3080', hostnames: [], spur: { hostname: 'spur.example', upstream: 'http://172.18.0.1:3000' } })).toEqual({
      http: {
        routers: { 'spur-acme-challenge': challenge, 'spur-ui': { rule: 'Host(`spur.example`)', entryPoints: ['web'], service: 'spur-ui' } },
        services: { 'spur-acme-challenge': challengeService, 'spur-ui': spurService },
      },
      tls: { certificates: [] },
    });
  });

  it("serves Spur's own domain over HTTPS with its certificate, plain HTTP redirecting permanently", () => {
    expect(traefikDynamicConfig({ challengeUrl: 'http://10.0.0.5:3080', hostnames: ['spur.example'], spur: { hostname: 'spur.example', upstream: 'http://172.18.0.1:3000' } })).toEqual({
      http: {
        routers: {
          'spur-acme-challenge': challenge,
          'spur-ui': { rule: 'Host(`spur.example`)', entryPoints: ['web'], middlewares: ['spur-ui-to-https'], service: 'spur-ui' },
          'spur-ui-secure': { rule: 'Host(`spur.example`)', entryPoints: ['websecure'], tls: {}, service: 'spur-ui' },
        },
        services: { 'spur-acme-challenge': challengeService, 'spur-ui': spurService },
        middlewares: { 'spur-ui-to-https': { redirectScheme: { scheme: 'https', permanent: true } } },
      },
      tls: { certificates: [{ certFile: '/etc/spur-traefik/certs/spur.example.crt', keyFile: '/etc/spur-traefik/certs/spur.example.key' }] },
    });
  });

  it("routes Traefik's own metrics only to this host's docker_gwbridge address, and refuses anything but an address", () => {
    const config = traefikDynamicConfig({ challengeUrl: 'http://10.0.0.5:3080', hostnames: [], metricsFrom: '172.18.0.1' });
    expect(config.http.routers['spur-metrics']).toEqual({ rule: 'Path(`/metrics`)', entryPoints: ['metrics'], middlewares: ['spur-metrics-from-host'], service: 'prometheus@internal' });
    expect(config.http.middlewares).toEqual({ 'spur-metrics-from-host': { ipAllowList: { sourceRange: ['172.18.0.1/32'] } } });
    expect(traefikDynamicConfig({ challengeUrl: 'http://10.0.0.5:3080', hostnames: [], metricsFrom: 'fd00::1' }).http.middlewares).toEqual({ 'spur-metrics-from-host': { ipAllowList: { sourceRange: ['fd00::1/128'] } } });
    // Without it (Spur does not know its address yet) nothing routes to the metrics: Traefik serves them nowhere.
    expect(traefikDynamicConfig({ challengeUrl: 'http://10.0.0.5:3080', hostnames: [] }).http.routers['spur-metrics']).toBeUndefined();
    expect(() => traefikDynamicConfig({ challengeUrl: 'http://10.0.0.5:3080', hostnames: [], metricsFrom: '0.0.0.0/0' })).toThrow('not an IP address');
  });
});
