// Entry point of the one bundle: `spur serve` runs the server; every other command is the CLI.
import './memory/heap-tuning.js';
import { CliError } from './cli/client.js';
import { clientCommands } from './cli/client-commands.js';
import { IMAGE_FLAGS_USAGE } from './cli/domain-commands.js';
import { passwordLoginCommand } from './cli/sso-commands.js';
import type { CliIo } from './cli/shared.js';
import { COMMIT, VERSION } from './version.js';
import { withEnvFile } from './config.js';
import { tokenCreate, userAdd, userPassword, userList, userRemove, userTwoFactorReset } from './cli/server-commands.js';

const HELP = `Usage: spur <command> [options]

  spur --version                           version and the commit it was built from

Server:
  spur serve                               start Spur (web UI + API on SPUR_PORT, default 3000)
  spur token create --email E [--scope S] [--project P] [--expires 30d]   mint an API token (admin unless --scope; creates E as owner if there is no user)
  spur user password --email E             set E's password (read from standard input); ends E's sessions
  spur user add --email E [--role member|owner]   add a user (a member sees only projects they are added to)
  spur user remove --email E               remove a user with their sessions, tokens, keys, memberships
  spur user list                           every user with role and last activity
  spur password-login on                   turn password sign-in back on (when single sign-on locks you out)
  spur user two-factor-reset --email E     turn off E's two-factor sign-in (a lost phone and recovery codes)
  spur update [--version V]                install a newer release (rolled back if it does not come up in 60 s)
  spur backup create|list                  archive Spur's state (database, keys, pushed repositories)
  spur backup restore <file>               put an archive back (stops and restarts spur.service)

Client (after \`spur login\`):
  spur login <url> --token T
  spur project create|list <project>  |  project delete <project> --yes
  spur project env <project> <environment>  |  project env delete <project> <environment> --yes
  spur service create <project> <service> (--git URL | --push | --image REF) [--branch B] [--root DIR] [--dockerfile PATH] [--port N]
  spur service source <project> <service> [--git URL | --push | --image REF] [--branch B] [--root DIR] [--dockerfile PATH]
                                           change where it comes from; the next deploy uses it
  spur service delete <project> <service> --yes
  spur git <project> <service> [--https-token T]   push URL, webhook URL and secret, deploy key
  spur keys add <file|-> [--name N] | keys list | keys remove <id>
  spur member <project> <email> [--role admin|developer|viewer] | member remove <project> <email> | member list <project> | member leave <project>
  spur invite <project> <email> [--role admin|developer|viewer] [--days N]   invite by email (the link is mailed, or printed once)
  spur invitations <project> | invitations revoke <project> <id>
  spur token create [--name N] [--scope read|deploy|admin] [--project P] [--expires 30d|12h|90m]
                                           a token of yours (read by default; never more than you, or the token you use, may)
  spur tokens | token revoke <id>          your API tokens: scope, project, expiry, last use (written at most once a minute)
  spur protect|unprotect <project> <environment>   a protected environment holds a developer's deploy,
                                           rollback or variable change as a request for an admin (admins)
  spur requests <project>                  requests waiting in protected environments, and decided ones
  spur approve <id> | reject <id> --reason R | cancel-request <id>   decide (admins) or withdraw your own
  spur audit [--project P] [--actor E] [--action A] [--since D] [--until D] [--outcome allowed|refused] [--limit N | --all]
                                           the audit log, newest first (owners); --all --json: every entry, one per line
  spur audit verify                        check the audit log's hash chain (exit 1 when broken)
  spur vars set|list <project> <service> [KEY=VALUE ...] [--env E] [--reveal]
  spur vars unset <project> <service> KEY ... [--env E]
  spur vars replace <project> <service> <file|-> [--dry-run] [--env E]   make them exactly a .env text (owners)
  spur deploy <project> <service> [--env E]
  spur build plan <project> <service> [--env E]   the Dockerfile a deploy would build with (Spur's, when the repository has none)
  spur status <project> <service> [--env E]
  spur deployments <project> <service> [--env E]
  spur logs <project> <service> [--env E] [--follow] [--tail N] [--all]
  spur rollback <project> <service> [deployment] [--env E]
  spur promote <project> <service> --from E --to E   run what serves in one environment in another: same image, no build
  spur run <project> <service> [--env E] [--timeout S] -- <command> [args…]   a one-off command from the serving image; exits with its code
  spur cancel <project> <service> [--env E]
  spur canary <project> <service> next|abort [--env E]   step a canary up now, or send every request back to the old version
  spur previews on <project> <service> --base E [--copy A,B] [--ttl-hours H] | off <project> <service> | list <project>
  spur jobs list|add|set|remove|run|runs <project> <service> [name] [--schedule S] [--command C] [--time-zone Z] [--timeout S] [--overlap] [--env E]
  spur events <project> [--follow] [--after ID] [--limit N]   the project's events (deployments, certificates,
                                           backups, members, alerts), newest last; --follow: as they happen
  spur webhooks list|add|remove|deliveries|redeliver <project> [name|id] [delivery] [--url URL] [--secret S] [--types T,T]
                                           where the project's events are posted, signed (admins)
  spur mcp                                 an MCP server on standard input and output: Spur's tools for an assistant,
                                           acting with this login's token
  spur scale <project> <service> <replicas> [--env E]
  spur domains add|list|remove <project> <service> [domain] [--env E]
  spur domains set <project> <service> <domain> [--https on|off] [--hsts on|off] [--redirect-to D|none] [--env E]
  spur db create <project> <name> --engine postgres|mysql|mariadb|redis|mongodb [--version V] [--env E]
  spur db list|info|delete <project> [name] [--env E] [--show-credentials] [--yes] [--delete-data]
  spur db backup|backups <project> <name> [--env E]     a backup now (the engine's own dump) | the list
  spur db restore <project> <name> <backup-id> --yes [--env E]
  spur compose up <project> <app> (-f docker-compose.yml | --git URL [--branch B] [--path P]) [--env-file .env]
        [--env E] [--all] [--no-deploy]   save a Compose file (pasted, or read from a repository, whose
        build: services build from it) as the app's services; deploy what changed as one group deployment
  spur compose ls <project> | ps|history <project> <app> [--env E] | rollback <project> <app> [group-id] [--env E]
  spur compose rm <project> <app> --yes [--delete-volumes]
  spur templates list [--search WORDS] | show <template>   the catalogue of one-click apps
  spur templates deploy <project> <template> [--name APP] [--set NAME=VALUE]… [--env E] [--no-deploy]
  spur volumes add <project> <service> <name> <mount-path> [--env E]
  spur volumes list|remove <project> <service> [name] [--env E]
  spur node key                            Spur's public key, for a server's ~/.ssh/authorized_keys (owners)
  spur node add [user@]host [--port N] [--name N] [--host-key SHA256:…] [--password-stdin]   enroll a server into the Swarm
        (--password-stdin needs --host-key: the password goes only to the server with that host key)
  spur node list | node show|drain|activate|remove <name>
  spur node build-server <name> [--off]   run the builds on that server (--off: on this one again)
  spur instance [--domain D|none] [--acme-email E|none]   Spur's own domain and ACME contact (owners)
        [--audit-retention-days N|none]   days the audit log is kept (at least 30; none: for ever)
        [--s3-endpoint URL --s3-bucket B --s3-access-key K | --s3-endpoint none]   where backups are copied
        [--registry HOST[:PORT][/NS] --registry-user U | --registry none]   a registry images go through
        ${IMAGE_FLAGS_USAGE}   base images of written Dockerfiles
  spur sso [--issuer URL --client-id ID [--client-secret S] [--label L] | --issuer none] [--password-login on|off]
        single sign-on with OpenID Connect (owners); the secret may come from SPUR_SSO_CLIENT_SECRET
  spur settings <project> <service> [--env E] [--cpu N] [--memory MB] [--cpu-reservation N]
        [--memory-reservation MB] [--restart any|on-failure|none] [--restart-attempts N]
        [--health tcp|http|image|command|none] [--health-path /p] [--health-port N] [--health-interval S]
        [--health-timeout S] [--health-retries N] [--health-start-period S] [--stop-grace S]
        [--health-command "CMD ARGS" | "CMD-SHELL text"] [--command "CMD ARGS"] [--entrypoint "CMD"]   ('' for the image's)
        [--replicas N] [--port N] [--branch B] [--auto-deploy on|off] [--run-on any|manager|SERVER]
        [--release-command "CMD ARGS"]   run once from the new image before each rollout ('' for none)
        [--build-memory MB] [--build-cpus N] [--build-timeout S]   this service's build caps ('' for the server's)
        [--watch-paths "apps/web/**,packages/ui/**"]   a push deploys only if it changes a matching file ('' for none)
        [--build-variables NPM_TOKEN,API_URL]   variables its builds receive as build arguments ('' for none)
        [--autoscale-min N --autoscale-max N --autoscale-cpu PCT --autoscale-memory PCT]   autoscaling ('' each: off)

With --json a client command prints the API's answer as it came (its route's schema in /api/v1/openapi.json).`;


async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function main(argv: string[]): Promise<number> {
  const io: CliIo = { env: withEnvFile(process.env), stdout: (t) => process.stdout.write(t + '\n'), stderr: (t) => process.stderr.write(t + '\n') };
  const [command, ...rest] = argv;
  // Run by git: as the pre-receive hook of Spur's repositories (through the hook's shebang)…
  if (command?.endsWith('/pre-receive') && process.env.GIT_DIR) {
    const { runPreReceiveHook } = await import('./ssh/pre-receive-hook.js');
    return runPreReceiveHook(process.env, await readStdin(), (t) => process.stdout.write(t));
  }
  // …or as GIT_ASKPASS, answering with the token Spur put in the environment for this clone.
  if (process.env.SPUR_ASKPASS === '1' && /^(Username|Password) for /.test(command ?? '')) {
    process.stdout.write((command.startsWith('Username') ? process.env.SPUR_GIT_USERNAME : process.env.SPUR_GIT_PASSWORD) + '\n');
    return 0;
  }
  if (command === 'serve') {
    const { startServer } = await import('./server.js');
    try {
      await startServer();
    } catch (err) {
      // A start that failed half-way (its SSH port taken, say) must not leave the web half serving
      // on its own: it exits, saying why, for its supervisor to start it again.
      process.stderr.write(`spur: ${(err as Error).message.split('\n')[0]}\n`);
      process.exit(1);
    }
    return -1;
  }
  if (command === '--version' || command === 'version') {
    io.stdout(`spur ${VERSION} (${COMMIT})`);
    return 0;
  }
  if (!command || command === 'help' || command === '--help' || command === '-h') {
    io.stdout(HELP);
    return command ? 0 : 2;
  }
  // With --email it is the server's console (the first owner's token); otherwise one's own, through the API.
  if (command === 'token' && rest[0] === 'create' && rest.some((a) => a === '--email' || a.startsWith('--email='))) await tokenCreate(rest.slice(1), io);
  else if (command === 'user' && rest[0] === 'password') await userPassword(rest.slice(1), io, readStdin);
  else if (command === 'user' && rest[0] === 'add') await userAdd(rest.slice(1), io);
  else if (command === 'user' && rest[0] === 'remove') await userRemove(rest.slice(1), io);
  else if (command === 'user' && rest[0] === 'two-factor-reset') await userTwoFactorReset(rest.slice(1), io);
  else if (command === 'user' && rest[0] === 'list') await userList(rest.slice(1), io);
  else if (command === 'password-login') await passwordLoginCommand(rest, io);
  else if (command === 'update') await (await import('./cli/update-command.js')).update(rest, io);
  else if (command === 'backup') await (await import('./cli/backup-commands.js')).backup(rest, io);
  else if (clientCommands[command]) await clientCommands[command](rest, io);
  else throw new CliError(`unknown command "${command}"; run spur help`, 2);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code;
  },
  (err) => {
    const message = err instanceof CliError ? err.message : (err as Error).message;
    process.stderr.write(`spur: ${message.split('\n')[0]}\n`);
    process.exitCode = err instanceof CliError ? err.exitCode : 1;
  },
);
