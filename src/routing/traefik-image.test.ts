import { describe, expect, it } from 'vitest';
import { SHIPPED_TRAEFIK_IMAGE, decideTraefikImage, traefikVersion } from './traefik-image.js';

const shipped = 'traefik:v3.6.13';

describe('traefikVersion', () => {
  it('reads the version of an official Traefik image, with or without registry, library and digest', () => {
    expect(traefikVersion('traefik:v3.5')).toBe('3.5');
    expect(traefikVersion('traefik:v3.5@sha256:' + 'a'.repeat(64))).toBe('3.5');
    expect(traefikVersion('docker.io/library/traefik:3.6.1')).toBe('3.6.1');
    expect(traefikVersion('library/traefik:v2.11.31')).toBe('2.11.31');
  });

  it('has none for other images and for tags that name no release', () => {
    expect(traefikVersion('traefik')).toBeUndefined();
    expect(traefikVersion('traefik:latest')).toBeUndefined();
    expect(traefikVersion('traefik:v3.7.0-rc.1')).toBeUndefined();
    expect(traefikVersion('ghcr.io/acme/traefik:v3.1')).toBeUndefined();
    expect(traefikVersion('registry.example:5000/traefik:v3.1')).toBeUndefined();
    expect(traefikVersion('traefik@sha256:' + 'a'.repeat(64))).toBeUndefined();
  });
});

describe('decideTraefikImage', () => {
  it('ships a release that negotiates the Docker API (3.6.1 and later)', () => {
    expect(SHIPPED_TRAEFIK_IMAGE).toBe('traefik:v3.6.13');
  });

  it('creates the service with the shipped image when there is none', () => {
    expect(decideTraefikImage({ shipped })).toEqual({ image: shipped, action: 'create', reason: 'the Traefik Spur ships with' });
  });

  it("upgrades a Traefik Spur runs that is older than the one it ships, as the old default traefik:v3.5", () => {
    expect(decideTraefikImage({ shipped, running: 'traefik:v3.5@sha256:' + 'b'.repeat(64) })).toEqual({
      image: shipped,
      action: 'upgrade',
      reason: 'traefik:v3.5 is older than the traefik:v3.6.13 Spur ships with',
    });
    // v3.6 may be 3.6.0, which cannot speak to Docker 29.
    expect(decideTraefikImage({ shipped, running: 'traefik:v3.6' })).toMatchObject({ image: shipped, action: 'upgrade' });
  });

  it('keeps the shipped release as it runs (Swarm adds the digest)', () => {
    const running = `${shipped}@sha256:${'c'.repeat(64)}`;
    expect(decideTraefikImage({ shipped, running })).toEqual({ image: running, action: 'keep', reason: 'it runs the Traefik Spur ships with' });
  });

  it('leaves alone a newer release or a custom image someone put in its place', () => {
    expect(decideTraefikImage({ shipped, running: 'traefik:v3.7.2' })).toEqual({ image: 'traefik:v3.7.2', action: 'keep', reason: 'traefik:v3.7.2 is newer than the traefik:v3.6.13 Spur ships with' });
    expect(decideTraefikImage({ shipped, running: 'ghcr.io/acme/traefik:v3.1' })).toEqual({ image: 'ghcr.io/acme/traefik:v3.1', action: 'keep', reason: 'ghcr.io/acme/traefik:v3.1 is not a Traefik release Spur can compare; left as it is' });
    expect(decideTraefikImage({ shipped, running: 'traefik:latest' })).toMatchObject({ image: 'traefik:latest', action: 'keep' });
  });

  it('runs exactly the image SPUR_TRAEFIK_IMAGE names, older or newer', () => {
    expect(decideTraefikImage({ shipped, configured: 'traefik:v3.5' })).toEqual({ image: 'traefik:v3.5', action: 'create', reason: 'SPUR_TRAEFIK_IMAGE names it' });
    expect(decideTraefikImage({ shipped, configured: 'traefik:v3.5', running: 'traefik:v3.6.13' })).toEqual({ image: 'traefik:v3.5', action: 'replace', reason: 'SPUR_TRAEFIK_IMAGE names it' });
    expect(decideTraefikImage({ shipped, configured: 'acme/proxy:1', running: 'acme/proxy:1' })).toEqual({ image: 'acme/proxy:1', action: 'keep', reason: 'SPUR_TRAEFIK_IMAGE names it' });
  });
});
