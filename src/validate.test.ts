import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InvalidInput } from './errors.js';
import * as v from './validate.js';

const refuses = (fn: () => unknown) => expect(fn).toThrow(InvalidInput);

describe('resource names', () => {
  it('accepts DNS labels within the limits', () => {
    expect(v.resourceName('project', 'shop-2')).toBe('shop-2');
    expect(v.resourceName('environment', 'staging')).toBe('staging');
  });
  it.each(['', 'Shop', '2shop', 'shop-', '-shop', 'a_b', 'a.b', 'a b', 'ä', 'x'.repeat(21)])('refuses %j as a project name', (name) => refuses(() => v.resourceName('project', name)));
  it('limits environments to 12 characters', () => refuses(() => v.resourceName('environment', 'a'.repeat(13))));
});

describe('git URLs', () => {
  it.each(['https://github.com/org/repo.git', 'ssh://git@github.com/org/repo.git', 'ssh://git@host:2222/org/repo.git', 'git@github.com:org/repo.git'])('accepts %s', (url) => expect(v.gitUrl(url)).toBe(url));
  it.each([
    '--upload-pack=touch /tmp/x',
    '-uhttps://x',
    'ext::sh -c touch% /tmp/x',
    'ext::sh',
    'file:///etc/passwd',
    '/srv/git/repo',
    './repo',
    'git://example.com/repo.git',
    'https://user:pw@example.com/repo.git',
    'https://example.com/',
    'git@host:-oProxyCommand=x',
    'git@host:../../etc',
    'https://example.com/a b',
    'https://example.com/a\nb',
  ])('refuses %j', (url) => refuses(() => v.gitUrl(url)));
});

describe('branches', () => {
  it.each(['main', 'release/1.2', 'feature/x-y_z', 'v1.0'])('accepts %s', (b) => expect(v.branch(b)).toBe(b));
  it.each(['-evil', '--output=x', 'a..b', 'a@{1}', '@', 'a b', 'a~1', 'a^', 'a:b', 'a?', 'a*', 'a[', 'a\\b', 'a/', '/a', 'a.', 'a.lock', 'a//b', '.hidden', 'x/.y', 'a\u0000b', 'a\tb'])('refuses %j', (b) =>
    refuses(() => v.branch(b)),
  );
});

describe('repository paths', () => {
  it('normalises relative paths', () => {
    expect(v.repoPath('root directory', 'apps/web/')).toBe('apps/web');
    expect(v.repoPath('root directory', './apps')).toBe('apps');
    expect(v.repoPath('Dockerfile path', 'docker/Dockerfile.prod')).toBe('docker/Dockerfile.prod');
  });
  it.each(['../x', '..', 'a/../../b', 'a/../b', '/etc', 'a\\b', '-x', 'a/-b'])('refuses %j', (p) => refuses(() => v.repoPath('root directory', p)));
});

describe('mount paths', () => {
  it.each(['/data', '/app/uploads', '/var/lib/app', '/srv/my.site_files-2', '/usr/src/app/upload', '/usr/local/share/app', '/usr/app/data'])('accepts %s', (p) => expect(v.mountPath(p)).toBe(p));
  it.each([
    ['/', /root/],
    ['data', /absolute/],
    ['/etc', /belongs to the container's system/],
    ['/etc/nginx', /belongs/],
    ['/proc/1', /belongs/],
    ['/usr', /belongs/],
    ['/usr/bin', /belongs/],
    ['/usr/lib/x86_64-linux-gnu', /belongs/],
    ['/usr/share/nginx', /belongs/],
    ['/var/run/docker.sock', /belongs/],
    ['/data/docker.sock', /Docker socket/],
    ['/data/../etc', /plain path/],
    ['/data/./x', /plain path/],
    ['/data//x', /plain path/],
    ['/data/', /plain path/],
    ['/da ta', /only letters/],
    ['/data;rm', /only letters/],
    ['/-rf', /must not start/],
    ['/spur/probe', /belongs/],
    [`/${'a'.repeat(300)}`, /at most/],
  ])('refuses %s', (p, message) => expect(() => v.mountPath(p)).toThrow(message));
});

describe('backup schedules', () => {
  it.each([['0 3 * * *', '0 3 * * *'], ['*/15  *  * * 1-5', '*/15 * * * 1-5'], [' 30 2 1 * * ', '30 2 1 * *']])('accepts %j', (e, out) => expect(v.cronSchedule(e)).toBe(out));
  it.each([
    ['every day', /five fields/],
    ['0 3 * *', /five fields/],
    ['*/5 * * * * *', /five fields/],
    ['0 3 * * * ; reboot', /five fields/],
    ['61 * * * *', /not a cron expression/],
    ['0 25 * * *', /not a cron expression/],
    ['', /required/],
    [`0 3 * * ${'1,'.repeat(60)}1`, /at most/],
  ])('refuses %j', (e, message) => expect(() => v.cronSchedule(e)).toThrow(message));
});

describe('S3 storage settings', () => {
  it('reduces an endpoint to its origin', () => {
    expect(v.s3Endpoint('https://s3.eu-central-1.amazonaws.com/')).toBe('https://s3.eu-central-1.amazonaws.com');
    expect(v.s3Endpoint('http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000');
  });
  it.each([
    ['ftp://x.example', /http:\/\/ or https:\/\//],
    ['file:///etc/passwd', /http:\/\/ or https:\/\//],
    ['https://k:s@s3.example', /credentials/],
    ['https://s3.example/bucket', /without a path/],
    ['https://s3.example/?x=1', /without a path/],
    ['not a url', /https:\/\/ URL/],
  ])('refuses the endpoint %j', (e, message) => expect(() => v.s3Endpoint(e)).toThrow(message));
  it.each(['my-backups', 'spur.backups.2026', 'abc'])('accepts the bucket %j', (b) => expect(v.s3Bucket(b)).toBe(b));
  it.each(['ab', 'Bad_Bucket', '-bucket', 'bucket-', 'a..b', '192.168.1.1', 'a'.repeat(64), 'buck et'])('refuses the bucket %j', (b) => expect(() => v.s3Bucket(b)).toThrow(/bucket/));
  it('normalises a prefix and refuses one that climbs', () => {
    expect(v.s3Prefix('/spur/backups/')).toBe('spur/backups');
    for (const p of ['../x', 'a/../b', 'a//b', 'a b', 'a;b']) expect(() => v.s3Prefix(p)).toThrow(/prefix/);
  });
  it('refuses regions, keys and secrets that are not such', () => {
    expect(() => v.s3Region('us east')).toThrow(/region/);
    expect(() => v.s3AccessKey('key with spaces')).toThrow(/access key/);
    expect(() => v.s3SecretKey('se cret')).toThrow(/spaces/);
  });
});

describe('domains', () => {
  it('lowercases, strips a final dot and converts IDNA to punycode', () => {
    expect(v.domain('App.Example.COM.')).toBe('app.example.com');
    expect(v.domain('bücher.example')).toBe('xn--bcher-kva.example');
  });
  it('takes a pasted address for its hostname: scheme, case, a trailing slash and dot', () => {
    for (const pasted of ['https://Shop.Example.com/', 'http://shop.example.com', 'HTTPS://SHOP.EXAMPLE.COM.', ' shop.example.com/ ']) expect(v.domain(pasted), pasted).toBe('shop.example.com');
  });
  it.each(['https://shop.example.com/cart', 'https://shop.example.com:8443/', 'https://user@shop.example.com/', 'ftp://shop.example.com', 'https://', 'https:///', 'https://shop.example.com//', 'https://shop.example.com/?a=1', 'https://shop.example.com/#top'])('still refuses %j', (d) => {
    refuses(() => v.domain(d));
  });
  it.each(['example', 'a`.com', 'a.com`) || Host(`b.com', 'a.com,b.com', 'a .com', 'a.com:80', 'a.com/x', '-a.com', 'a-.com', 'a..com', `${'a'.repeat(64)}.com`, `${'a.'.repeat(127)}com`, '*.a.com', 'a_b.com', '1.2.3.4', '10.0.0.1.', 'fe80::1', '[::1]'])('refuses %j', (d) =>
    refuses(() => v.domain(d)),
  );
});

describe('variables', () => {
  it.each(['A', '_A', 'DATABASE_URL', 'a1'])('accepts key %s', (k) => expect(v.variableKey(k)).toBe(k));
  it.each(['1A', 'A-B', 'A B', 'A=B', '', 'Ä', 'A;B', '$A'])('refuses key %j', (k) => refuses(() => v.variableKey(k)));
  it('accepts any printable value, refuses NUL and oversized values', () => {
    expect(v.variableValue('a=b; $(x) `y`')).toBe('a=b; $(x) `y`');
    refuses(() => v.variableValue('a\0b'));
    refuses(() => v.variableValue('x'.repeat(32 * 1024 + 1)));
    // Bytes, as the container's environment holds it: 11,000 euro signs are 33,000 bytes.
    refuses(() => v.variableValue('€'.repeat(11_000)));
    expect(v.variableValue('€'.repeat(10_000))).toHaveLength(10_000);
  });
});

describe('image references', () => {
  it.each(['nginx', 'nginx:1.27', 'library/nginx:latest', 'ghcr.io/org/app:v1', 'localhost:5000/app', `app@sha256:${'a'.repeat(64)}`, 'spur-test/node:bookworm'])('accepts %s', (r) => expect(v.imageRef(r)).toBe(r));
  it.each(['nginx;rm -rf /', 'Nginx', '-nginx', 'nginx:', 'nginx@sha256:abc', 'a b', '$(x)', 'nginx:`x`'])('refuses %j', (r) => refuses(() => v.imageRef(r)));
  it.each(['spur/shop/web:1-abc', 'spur/shop-web:3', 'docker.io/spur/a/b:1', 'index.docker.io/spur/a/b', `sha256:${'a'.repeat(64)}`, 'a'.repeat(64), '3f2a9c'])(
    "refuses %j: Spur's own images and image ids",
    (r) => expect(() => v.imageRef(r)).toThrow(/Spur's own image namespace|image id/),
  );
});

describe('numbers, emails, passwords', () => {
  it('parses ports from numbers and digit strings only', () => {
    expect(v.port(8080)).toBe(8080);
    expect(v.port('3000')).toBe(3000);
    for (const bad of [0, 65536, 1.5, '80x', '', null, '0x50']) refuses(() => v.port(bad));
  });
  it('checks emails and password length', () => {
    expect(v.email(' Owner@Example.com ')).toBe('owner@example.com');
    refuses(() => v.email('nope'));
    refuses(() => v.password('short'));
  });
  it('treats empty optional values as absent', () => {
    expect(v.optional('', v.port)).toBeUndefined();
    expect(v.optional(undefined, v.port)).toBeUndefined();
    expect(v.optional('80', v.port)).toBe(80);
  });
});

describe('SSH public keys', () => {
  const keygen = (type: string, bits?: number) => {
    const file = join(mkdtempSync(join(tmpdir(), 'spur-key-')), 'k');
    execFileSync('ssh-keygen', ['-q', '-t', type, ...(bits ? ['-b', String(bits)] : []), '-N', '', '-C', 'me@laptop', '-f', file]);
    return { pub: readFileSync(`${file}.pub`, 'utf8'), priv: readFileSync(file, 'utf8'), fingerprint: execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${file}.pub`]).toString().split(' ')[1] };
  };
  it('accepts ed25519, ECDSA and RSA 3072 keys with the fingerprint ssh-keygen shows', () => {
    for (const [type, bits] of [['ed25519'], ['ecdsa', 256], ['rsa', 3072]] as const) {
      const key = keygen(type, bits);
      expect(v.sshPublicKey(key.pub)).toMatchObject({ fingerprint: key.fingerprint });
    }
    // ssh-keygen makes an RSA 3072 key in well under a second idle, and took over 5 s under a full run's load.
  }, 60_000);
  it('refuses short RSA keys, private keys, options and junk', () => {
    expect(() => v.sshPublicKey(keygen('rsa', 2048).pub)).toThrow(/at least 3072 bits/);
    expect(() => v.sshPublicKey(keygen('ed25519').priv)).toThrow(/private key/);
    const pub = keygen('ed25519').pub;
    expect(() => v.sshPublicKey(`command="rm -rf /" ${pub}`)).toThrow(/no options/);
    expect(() => v.sshPublicKey('ssh-ed25519 AAAAnotakey')).toThrow(InvalidInput);
    expect(() => v.sshPublicKey(pub.replace('ssh-ed25519', 'ssh-rsa'))).toThrow(InvalidInput);
  }, 60_000);
});

describe('server addresses', () => {
  it('takes user@host or a bare host (root)', () => {
    expect(v.serverAddress('root@203.0.113.7')).toEqual({ user: 'root', host: '203.0.113.7' });
    expect(v.serverAddress('deploy@Node2.Example.com')).toEqual({ user: 'deploy', host: 'node2.example.com' });
    expect(v.serverAddress('10.0.0.5')).toEqual({ user: 'root', host: '10.0.0.5' });
  });

  it('refuses hosts and users that are not plain names', () => {
    for (const bad of ['root@-oProxyCommand=x', 'root@host;rm', 'root@999.1.1.1', 'root@[::1]', 'root@host:22', '-l@host', 'ro ot@host', 'root@', '', 'root@a..b', 'root@' + 'a'.repeat(64) + '.com', 'x@1.2.3']) {
      expect(() => v.serverAddress(bad), bad).toThrow(/host|user|address/);
    }
  });
});

describe('registry addresses', () => {
  it('takes host[:port][/namespace], dropping https://', () => {
    expect(v.registryAddress('registry.example.com')).toBe('registry.example.com');
    expect(v.registryAddress('https://ghcr.io/acme/')).toBe('ghcr.io/acme');
    expect(v.registryAddress('10.0.0.5:5000/team.a/apps')).toBe('10.0.0.5:5000/team.a/apps');
  });

  it('refuses schemes, options, credentials, bad ports and paths', () => {
    for (const bad of ['http://r.example.com', '--insecure', 'user:pw@r.example.com', 'r.example.com:port', 'r.example.com:1:2', 'r.example.com/UP', 'r.example.com/a//b', 'r.example.com/../x', 'r example.com', '']) {
      expect(() => v.registryAddress(bad), bad).toThrow(/registry/);
    }
  });
});

describe('commands a container runs', () => {
  it('reads a health command as Docker test words, CMD-SHELL going to the container\'s shell', () => {
    expect(v.healthCommand("pg_isready -U 'my app'")).toEqual(['CMD', 'pg_isready', '-U', 'my app']);
    expect(v.healthCommand('CMD-SHELL curl -f localhost || exit 1')).toEqual(['CMD-SHELL', 'curl -f localhost || exit 1']);
    expect(() => v.healthCommand('curl localhost && echo ok')).toThrow(/health command/);
    expect(() => v.healthCommand('x'.repeat(1001))).toThrow(/at most 1000/);
  });
  it('refuses $PORT, which a container command is not given', () => {
    expect(v.commandLineWords('command', 'node server.js --port 3000')).toEqual(['node', 'server.js', '--port', '3000']);
    expect(() => v.commandLineWords('command', 'node server.js --port $PORT')).toThrow(/write the port itself/);
  });
});
