// CLI commands for who may do what: project members, invitations and one's own API tokens (with their scope).
import { CliError } from './client.js';
import { type CliIo, args, client, enc, need } from './shared.js';

/** `spur member <project> <email> [--role admin|developer|viewer]` adds (a developer unless
 *  --role says) or gives a member that role; `spur member remove <project> <email>` removes;
 *  `spur member list <project>` lists with roles (the project's admins and owners, as its Members page). */
async function member(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { role: { type: 'string' } });
  if (positionals[0] === 'list' && positionals.length === 2) {
    const answer = await client(io).json<{ members: { email: string; role: string; since: string | null; lastSeenAt: string | null }[] }>('GET', `/projects/${enc(positionals[1])}/members`);
    return io.stdout(values.json ? JSON.stringify(answer) : answer.members.map((m) => `${m.email}\t${m.role}\tsince ${m.since ?? 'before invitations'}\tlast seen ${m.lastSeenAt ?? 'never'}`).join('\n') || 'No members.');
  }
  if (positionals[0] === 'leave' && positionals.length === 2) {
    const answer = await client(io).json('POST', `/projects/${enc(positionals[1])}/leave`);
    return io.stdout(values.json ? JSON.stringify(answer) : `You left ${positionals[1]}`);
  }
  if (positionals[0] === 'remove' && positionals.length === 3) {
    const [, project, email] = positionals;
    const answer = await client(io).json('DELETE', `/projects/${enc(project)}/members/${enc(email)}`);
    return io.stdout(values.json ? JSON.stringify(answer) : `${email} can no longer use ${project}`);
  }
  const [project, email] = need(positionals, 2, 'spur member <project> <email> [--role admin|developer|viewer] | spur member remove <project> <email> | spur member list <project> | spur member leave <project>');
  const answer = await client(io).json<{ member: { email: string; role: string } }>('POST', `/projects/${enc(project)}/members`, { email, ...(values.role === undefined ? {} : { role: values.role }) });
  const added = answer.member;
  io.stdout(values.json ? JSON.stringify(answer) : `${added.email} is now ${added.role === 'admin' ? 'an' : 'a'} ${added.role} of ${project}`);
}

type InvitationView = { id: number; email: string; role: string; invitedBy: string; expiresAt: string };

/** `spur invite <project> <email> [--role admin|developer|viewer] [--days N]`: mailed when Spur
 *  has SMTP settings; otherwise the link is printed, this once. */
async function invite(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { role: { type: 'string' }, days: { type: 'string' } });
  const [project, email] = need(positionals, 2, 'spur invite <project> <email> [--role admin|developer|viewer] [--days N]');
  const body = { email, ...(values.role === undefined ? {} : { role: values.role }), ...(values.days === undefined ? {} : { days: values.days }) };
  const made = await client(io).json<{ invitation: InvitationView; emailed: boolean; link: string | null; mailError: string | null }>('POST', `/projects/${enc(project)}/invitations`, body);
  if (values.json) return io.stdout(JSON.stringify(made));
  const i = made.invitation;
  const head = `Invited ${i.email} to ${project} as ${i.role === 'admin' ? 'an' : 'a'} ${i.role} (invitation ${i.id}, until ${i.expiresAt})`;
  if (made.emailed) return io.stdout(`${head}; the link was mailed to them.`);
  io.stdout([head, made.mailError ? `Not mailed: ${made.mailError}.` : 'No SMTP server is set (spur instance --smtp-host …): send them this link yourself. It is not shown again:', made.link!].join('\n'));
}

/** `spur invitations <project>` lists the pending ones; `spur invitations revoke <project> <id>`. */
async function invitations(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, {});
  if (positionals[0] === 'revoke') {
    const [, project, id] = need(positionals, 3, 'spur invitations revoke <project> <id>');
    if (!/^\d+$/.test(id)) throw new CliError(`"${id}" is not an invitation id`, 2);
    const answer = await client(io).json<{ revoked: InvitationView }>('DELETE', `/projects/${enc(project)}/invitations/${id}`);
    const { revoked } = answer;
    return io.stdout(values.json ? JSON.stringify(answer) : `Revoked the invitation of ${revoked.email} to ${project}: its link no longer works`);
  }
  const [project] = need(positionals, 1, 'spur invitations <project> | spur invitations revoke <project> <id>');
  const answer = await client(io).json<{ invitations: InvitationView[] }>('GET', `/projects/${enc(project)}/invitations`);
  io.stdout(values.json ? JSON.stringify(answer) : answer.invitations.map((i) => `${i.id}\t${i.email}\t${i.role}\tinvited by ${i.invitedBy}\texpires ${i.expiresAt}`).join('\n') || 'No pending invitations.');
}

type TokenView = { id: number; name: string; scope: string; project: string | null; expiresAt: string | null; createdAt: string; lastUsedAt: string | null };

const TOKEN_USAGE = 'spur token create [--name N] [--scope read|deploy|admin] [--project P] [--expires 30d|12h|90m] | spur tokens | spur token revoke <id>';
const tokenLine = (t: TokenView) =>
  [t.id, t.name, t.scope, t.project ?? 'every project', `expires ${t.expiresAt ?? 'never'}`, `last used ${t.lastUsedAt ?? 'never'}`, `created ${t.createdAt}`].join('\t');

/** `spur tokens` (or `spur token list`): one's own tokens, with scope, project, expiry, last use. */
async function tokens(argv: string[], io: CliIo) {
  const { values } = args(argv, {});
  const answer = await client(io).json<{ tokens: TokenView[] }>('GET', '/tokens');
  io.stdout(values.json ? JSON.stringify(answer) : answer.tokens.map(tokenLine).join('\n') || 'No tokens.');
}

/** `spur token create [--scope S] [--project P] [--expires 30d]` through the API (the secret is
 *  printed once; `spur token create --email E` on the server is the console's, main.ts),
 *  `spur token list`, `spur token revoke <id>`. */
async function token(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { name: { type: 'string' }, scope: { type: 'string' }, project: { type: 'string' }, expires: { type: 'string' } });
  const [sub, id] = positionals;
  const api = client(io);
  if (sub === 'list') return tokens(values.json ? ['--json'] : [], io);
  if (sub === 'create' && positionals.length === 1) {
    const body = { name: values.name ?? 'cli', scope: values.scope, project: values.project, expiresIn: values.expires };
    const answer = await api.json<{ token: TokenView & { token: string } }>('POST', '/tokens', body);
    if (values.json) return io.stdout(JSON.stringify(answer));
    const made = answer.token;
    io.stderr(`Token ${made.name} (${made.id}): ${made.scope}, ${made.project ?? 'every project'}, expires ${made.expiresAt ?? 'never'}. Spur does not show it again:`);
    return io.stdout(made.token);
  }
  if (sub === 'revoke') {
    need(positionals, 2, 'spur token revoke <id>');
    if (!/^\d+$/.test(id)) throw new CliError(`"${id}" is not a token id`, 2);
    const answer = await api.json('DELETE', `/tokens/${id}`);
    return io.stdout(values.json ? JSON.stringify(answer) : `Revoked token ${id}`);
  }
  throw new CliError(`usage: ${TOKEN_USAGE}`, 2);
}

export const accessCommands = { member, token, tokens, invite, invitations };
