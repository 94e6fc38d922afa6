// CLI commands for who may do what: project members and one's own API tokens.
import { CliError } from './client.js';
import { type CliIo, args, client, enc, need } from './shared.js';

/** `spur member <project> <email> [--role admin|developer|viewer]` adds (a developer unless
 *  --role says) or gives a member that role; `spur member remove <project> <email>` removes;
 *  `spur member list <project>` lists with roles (the project's admins and owners, as its Members page). */
async function member(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, { role: { type: 'string' } });
  if (positionals[0] === 'list' && positionals.length === 2) {
    const { members } = await client(io).json<{ members: { email: string; role: string }[] }>('GET', `/projects/${enc(positionals[1])}/members`);
    return io.stdout(values.json ? JSON.stringify(members) : members.map((m) => `${m.email}\t${m.role}`).join('\n') || 'No members.');
  }
  if (positionals[0] === 'remove' && positionals.length === 3) {
    const [, project, email] = positionals;
    await client(io).json('DELETE', `/projects/${enc(project)}/members/${enc(email)}`);
    return io.stdout(values.json ? JSON.stringify({ project, removed: email }) : `${email} can no longer use ${project}`);
  }
  const [project, email] = need(positionals, 2, 'spur member <project> <email> [--role admin|developer|viewer] | spur member remove <project> <email> | spur member list <project>');
  const { member: added } = await client(io).json<{ member: { email: string; role: string } }>('POST', `/projects/${enc(project)}/members`, { email, ...(values.role === undefined ? {} : { role: values.role }) });
  io.stdout(values.json ? JSON.stringify({ project, ...added }) : `${added.email} is now ${added.role === 'admin' ? 'an' : 'a'} ${added.role} of ${project}`);
}

type TokenView = { id: number; name: string; createdAt: string; lastUsedAt: string | null };

/** `spur token list`, `spur token revoke <id>` (minting is `spur token create`, on the server). */
async function token(argv: string[], io: CliIo) {
  const { values, positionals } = args(argv, {});
  const [sub, id] = positionals;
  const api = client(io);
  if (sub === 'list') {
    const { tokens } = await api.json<{ tokens: TokenView[] }>('GET', '/tokens');
    return io.stdout(values.json ? JSON.stringify(tokens) : tokens.map((t) => `${t.id}\t${t.name}\tcreated ${t.createdAt}\tlast used ${t.lastUsedAt ?? 'never'}`).join('\n') || 'No tokens.');
  }
  if (sub === 'revoke') {
    need(positionals, 2, 'spur token revoke <id>');
    if (!/^\d+$/.test(id)) throw new CliError(`"${id}" is not a token id`, 2);
    await api.json('DELETE', `/tokens/${id}`);
    return io.stdout(values.json ? JSON.stringify({ revoked: Number(id) }) : `Revoked token ${id}`);
  }
  throw new CliError('usage: spur token list | spur token revoke <id>', 2);
}

export const accessCommands = { member, token };
