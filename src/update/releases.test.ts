import { describe, expect, it } from 'vitest';
import { compareVersions, parseChecksum, parseLatestRelease, releaseUrls, releaseVersion } from './releases.js';

describe('releases', () => {
  it('are found under the download URL in GitHub’s layout', () => {
    expect(releaseUrls('https://mirror.example/spur', 'v1.2.3')).toEqual({
      binary: 'https://mirror.example/spur/download/v1.2.3/spur-linux-x64',
      checksum: 'https://mirror.example/spur/download/v1.2.3/spur-linux-x64.sha256',
    });
    for (const bad of ['1.2', '../1.2.3', '1.2.3/../../x', '1.2.3 ', '1.2.3-a/b', '']) expect(() => releaseVersion(bad), bad).toThrow(/not a release version/);
  });

  it('are ordered by semantic version, a pre-release before its release', () => {
    expect(compareVersions('0.2.0', '0.1.9')).toBe(1);
    expect(compareVersions('0.10.0', '0.9.0')).toBe(1);
    expect(compareVersions('1.0.0-rc.2', '1.0.0')).toBe(-1);
    expect(compareVersions('1.0.0-rc.10', '1.0.0-rc.2')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
  });

  it('carry a checksum file and a feed entry that are checked', () => {
    expect(parseChecksum(`${'a'.repeat(64)}  spur-linux-x64\n`)).toBe('a'.repeat(64));
    expect(() => parseChecksum('not a digest')).toThrow(/does not hold a SHA-256 digest/);
    expect(parseLatestRelease({ version: '0.3.0', commit: 'abc' })).toEqual({ version: '0.3.0', commit: 'abc' });
    expect(() => parseLatestRelease({ version: '0.3.0; rm -rf /' })).toThrow(/not a release version/);
  });
});
