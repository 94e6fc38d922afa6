// `spur build plan <project> <service>`: the Dockerfile a deploy would build with, fetched now and
// not built — on stdout, so that `> Dockerfile` takes it over; why on stderr.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, envQuery, need } from './shared.js';

interface Preview {
  commit: { sha: string; message: string };
  generated: boolean;
  stack: string | null;
  reasons: string[];
  dockerfile: string;
  dockerfileText: string;
}

const USAGE = 'spur build plan <project> <service> [--env E]';

async function build(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { env: { type: 'string' } });
  const [sub, project, service] = need(positionals, 3, USAGE);
  if (sub !== 'plan') throw new CliError(`usage: ${USAGE}`, 2);
  const preview = await client(io).json<Preview>('GET', `/projects/${enc(project)}/services/${enc(service)}/build-plan${envQuery(values.env)}`);
  if (values.json) return io.stdout(JSON.stringify(preview));
  const at = `commit ${preview.commit.sha.slice(0, 12)}`;
  io.stderr(preview.generated ? `No Dockerfile at ${at}: Spur would write this one for a ${preview.stack} app (${preview.reasons.join(', ')}). Save it as Dockerfile in the repository to take over.` : `The repository has its own ${preview.dockerfile} at ${at}; Spur builds with it.`);
  io.stdout(preview.dockerfileText.trimEnd());
}

export const buildCommands = { build };
