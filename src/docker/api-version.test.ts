import { describe, expect, it } from 'vitest';
import { chooseApiVersion, compareVersions } from './api-version.js';

describe('compareVersions', () => {
  it('compares parts as numbers', () => {
    expect(compareVersions('1.9', '1.41')).toBe(-1);
    expect(compareVersions('1.52', '1.44')).toBe(1);
    expect(compareVersions('1.41', '1.41.0')).toBe(0);
  });
});

describe('chooseApiVersion', () => {
  it('speaks the daemon\'s newest API when Spur knows it (Docker 20.10)', () => {
    expect(chooseApiVersion({ apiVersion: '1.41', minApiVersion: '1.12' })).toEqual({ supported: true, version: '1.41' });
  });

  it('speaks Docker 29 at 1.52, above the 1.44 it still accepts', () => {
    expect(chooseApiVersion({ apiVersion: '1.52', minApiVersion: '1.44' })).toEqual({ supported: true, version: '1.52' });
  });

  it('speaks a newer daemon at Spur\'s newest while the daemon still accepts it', () => {
    expect(chooseApiVersion({ apiVersion: '1.60', minApiVersion: '1.44' })).toEqual({ supported: true, version: '1.52' });
  });

  it('refuses a daemon older than Docker 20.10', () => {
    expect(chooseApiVersion({ apiVersion: '1.40', minApiVersion: '1.12' })).toEqual({
      supported: false,
      problem: "Docker's Engine API 1.40 is outside what Spur supports (1.41 to 1.52): upgrade Docker to 20.10 or newer",
    });
  });

  it('refuses a daemon that no longer accepts any API Spur speaks', () => {
    expect(chooseApiVersion({ apiVersion: '1.60', minApiVersion: '1.55' })).toEqual({
      supported: false,
      problem: "Docker's Engine API 1.55 to 1.60 is outside what Spur supports (1.41 to 1.52): update Spur",
    });
  });

  it('refuses an answer without a version', () => {
    expect(chooseApiVersion({ apiVersion: '' })).toMatchObject({ supported: false });
  });
});
