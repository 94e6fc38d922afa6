// The one-time setup token: made at first start, kept in the data dir (0600) until an owner
// exists, however that owner was created.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from './config.js';
import type { Deps } from './deps.js';
import type { Log } from './log.js';
import { randomToken } from './secrets.js';

export const setupTokenPath = (dataDir: string) => join(dataDir, 'setup-token');

export function setupToken(config: Config, needed: boolean, log: Log): Deps['setup'] {
  const file = setupTokenPath(config.dataDir);
  if (!needed) {
    rmSync(file, { force: true });
    return { claim() {} };
  }
  if (!existsSync(file)) writeFileSync(file, randomToken(18), { mode: 0o600 });
  const setup: Deps['setup'] = {
    token: readFileSync(file, 'utf8').trim(),
    claim() {
      setup.token = undefined;
      rmSync(file, { force: true });
    },
  };
  log.info(`no owner yet: open ${config.publicUrl}/setup and enter the setup token ${setup.token}`);
  return setup;
}
