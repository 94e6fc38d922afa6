import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { withEnvFile } from './config.js';

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
