// `spur update [--version V]`: on the server, as root (see src/update/apply.ts).
import { loadConfig } from '../config.js';
import { InvalidInput } from '../errors.js';
import { updateSpur } from '../update/apply.js';
import { CliError } from './client.js';
import { type CliIo, args } from './shared.js';

export async function update(argv: string[], io: CliIo): Promise<void> {
  const { values, positionals } = args(argv, { version: { type: 'string' } });
  if (positionals.length) throw new CliError('usage: spur update [--version V]', 2);
  try {
    const result = await updateSpur(loadConfig(io.env), { version: values.version as string | undefined, say: values.json ? io.stderr : io.stdout });
    if (values.json) io.stdout(JSON.stringify(result));
  } catch (err) {
    if (err instanceof InvalidInput) throw new CliError(err.message, 2);
    throw err;
  }
}
