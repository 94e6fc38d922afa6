import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LETS_ENCRYPT, loadConfig, withEnvFile } from './config.js';

describe('the settings file install.sh writes', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'spur-env-')), 'spur.env');

  it('gives its Spur settings to commands run in a shell; what the process was given wins', () => {
    writeFileSync(file, '# Spur settings\nSPUR_DATA_DIR=/var/lib/spur\nSPUR_PORT=3000\nHOME=/elsewhere\n');
    const env = withEnvFile({ SPUR_ENV_FILE: file, SPUR_PORT: '4000' });
    expect(env.SPUR_DATA_DIR).toBe('/var/lib/spur');
    expect(env.SPUR_PORT).toBe('4000');
    expect(env.HOME).toBeUndefined();
  });

  it('is optional, and a bad line is named with the file', () => {
    expect(withEnvFile({ SPUR_ENV_FILE: join(file, 'missing') })).toEqual({ SPUR_ENV_FILE: join(file, 'missing') });
    writeFileSync(file, 'SPUR_PORT=3000\nnot a setting\n');
    expect(() => withEnvFile({ SPUR_ENV_FILE: file })).toThrow(new RegExp(`^${file}: line 2: `));
  });
});

describe('URL settings', () => {
  const base = { SPUR_DATA_DIR: '/tmp/spur-config-test', SPUR_BASE_DOMAIN: 'spur.test' };

  it("default to Let's Encrypt and GitHub's releases, and take any https:// ACME directory", () => {
    expect(loadConfig(base, '/').acme.directoryUrl).toBe(LETS_ENCRYPT);
    expect(loadConfig({ ...base, SPUR_ACME_DIRECTORY: 'https://ca.internal:9000/acme/acme/directory' }, '/').acme.directoryUrl).toBe('https://ca.internal:9000/acme/acme/directory');
    expect(loadConfig({ ...base, SPUR_DOWNLOAD_URL: 'https://mirror.example/spur/' }, '/').downloadUrl).toBe('https://mirror.example/spur');
  });

  it("take Spur's own domain from SPUR_DOMAIN, normalised", () => {
    expect(loadConfig({ ...base, SPUR_DOMAIN: 'Spur.Example.COM.' }, '/').spurDomain).toBe('spur.example.com');
    expect(loadConfig(base, '/').spurDomain).toBeUndefined();
  });

  it('take the public addresses from SPUR_PUBLIC_IP (behind NAT), for DNS checks and the generated domains', () => {
    const config = loadConfig({ SPUR_DATA_DIR: '/tmp/spur-config-test', SPUR_PUBLIC_IP: '203.0.113.7, 2001:db8::7' }, '/');
    expect(config.publicAddresses).toEqual(['203.0.113.7', '2001:db8::7']);
    expect(config.baseDomain).toBe('203.0.113.7.sslip.io');
  });

  it.each([
    ['SPUR_ACME_DIRECTORY', 'http://ca.example/directory', /SPUR_ACME_DIRECTORY must be an https:\/\/ URL/],
    ['SPUR_ACME_DIRECTORY', 'https://user:pw@ca.example/directory', /must be an https/],
    ['SPUR_ACME_DIRECTORY', 'not a url', /is not a URL/],
    ['SPUR_DOWNLOAD_URL', 'https://mirror.example/?x=1', /SPUR_DOWNLOAD_URL must be a plain https:\/\/ URL/],
    ['SPUR_ACME_EMAIL', 'not an email', /email/],
    ['SPUR_ACME_PORT', '70000', /port/],
    ['SPUR_PUBLIC_IP', '203.0.113.7,example.com', /SPUR_PUBLIC_IP: "example.com" is not an IP address/],
    ['SPUR_DOMAIN', '*.spur.example', /domain/],
    ['SPUR_DOMAIN', 'spur.example`)', /domain/],
  ])('refuse %s=%s', (name, value, message) => {
    expect(() => loadConfig({ ...base, [name]: value }, '/')).toThrow(message);
  });
});

describe('build settings', () => {
  const base = { SPUR_DATA_DIR: '/tmp/spur-config-test', SPUR_PUBLIC_IP: '203.0.113.7' };
  it('take base images with {version} from SPUR_IMAGE_*, and refuse what is not an image reference', () => {
    expect(loadConfig(base, '/').buildImages).toEqual({});
    expect(loadConfig({ ...base, SPUR_IMAGE_NODE: 'mirror.example.com/node:{version}-slim' }, '/').buildImages).toEqual({ node: 'mirror.example.com/node:{version}-slim' });
    expect(() => loadConfig({ ...base, SPUR_IMAGE_GO: 'golang {version}' }, '/')).toThrow(/SPUR_IMAGE_GO: golang \{version\} is not an image reference/);
  });

  it('cap builds: one at a time by default, memory and CPUs refused when not numbers', () => {
    expect(loadConfig(base, '/')).toMatchObject({ buildConcurrency: 1, buildMemoryMb: 2048 });
    expect(loadConfig(base, '/').buildCpus).toBeGreaterThanOrEqual(1);
    expect(() => loadConfig({ ...base, SPUR_BUILD_MEMORY: 'lots' }, '/')).toThrow(/SPUR_BUILD_MEMORY/);
    expect(() => loadConfig({ ...base, SPUR_BUILD_CONCURRENCY: '0' }, '/')).toThrow(/SPUR_BUILD_CONCURRENCY/);
  });

  it('hold the build cache to 5 GiB unless SPUR_BUILD_CACHE_MB says otherwise (0: keep none)', () => {
    expect(loadConfig(base, '/').buildCacheMb).toBe(5120);
    expect(loadConfig({ ...base, SPUR_BUILD_CACHE_MB: '0' }, '/').buildCacheMb).toBe(0);
    expect(() => loadConfig({ ...base, SPUR_BUILD_CACHE_MB: '-1' }, '/')).toThrow(/SPUR_BUILD_CACHE_MB/);
    expect(() => loadConfig({ ...base, SPUR_BUILD_CACHE_MB: '2 GB' }, '/')).toThrow(/SPUR_BUILD_CACHE_MB/);
  });
});

describe('the Traefik image', () => {
  const base = { SPUR_DATA_DIR: '/tmp/spur-config-test', SPUR_BASE_DOMAIN: 'spur.test' };

  it("is Spur's own choice unless SPUR_TRAEFIK_IMAGE names one", () => {
    expect(loadConfig(base, '/').traefik).toEqual({ enabled: true, image: undefined });
    expect(loadConfig({ ...base, SPUR_TRAEFIK_IMAGE: 'traefik:v3.5' }, '/').traefik).toEqual({ enabled: true, image: 'traefik:v3.5' });
  });
});
