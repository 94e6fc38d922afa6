import { describe, expect, it } from 'vitest';
import { parseOsRelease, unsupportedOs } from './os-check.js';

describe('the OS check', () => {
  it('enrolls Debian, Ubuntu and their derivatives', () => {
    expect(unsupportedOs(parseOsRelease('PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n'))).toBeUndefined();
    expect(unsupportedOs(parseOsRelease('NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\nVERSION_ID="24.04"'))).toBeUndefined();
    expect(unsupportedOs(parseOsRelease("ID=linuxmint\nID_LIKE='ubuntu debian'\nPRETTY_NAME='Linux Mint 22'"))).toBeUndefined();
  });

  it('refuses other systems by their name', () => {
    expect(unsupportedOs(parseOsRelease('NAME="Alpine Linux"\nID=alpine\nPRETTY_NAME="Alpine Linux v3.20"'))).toBe('Alpine Linux v3.20 is not supported: Spur enrolls Debian and Ubuntu servers');
    expect(unsupportedOs(parseOsRelease('ID="rocky"\nID_LIKE="rhel centos fedora"\nPRETTY_NAME="Rocky Linux 9.4"'))).toMatch(/^Rocky Linux 9.4 is not supported/);
    expect(unsupportedOs(parseOsRelease(''))).toMatch(/^an unknown system is not supported/);
  });
});
