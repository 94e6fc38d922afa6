// The matrix of MAY as the README shows it: one row per action, a column per role. The README's
// table is this function's output (role-table.test.ts compares them), so it cannot drift from the door.
import { MAY, type Action, mayDo } from './access.js';

const COLUMNS = ['owner', 'admin', 'developer', 'viewer'] as const;

/** Who may do `action`: a project's action by the role there; the installation's and one's own
 *  account's by the user's own role (any signed-in user is a `member` of the installation,
 *  whatever their projects). */
const mark = (action: Action, column: (typeof COLUMNS)[number]) => {
  const role = MAY[action].in !== 'project' && column !== 'owner' ? 'member' : column;
  return mayDo({ role }, action) ? 'yes' : '—';
};

export function roleTableMarkdown(): string {
  const rows = (Object.keys(MAY) as Action[]).map((a) => `| \`${a}\` | ${MAY[a].in} | ${COLUMNS.map((c) => mark(a, c)).join(' | ')} | ${MAY[a].scope} |`);
  return ['| Action | In | Owner | Admin | Developer | Viewer | Token scope |', '| --- | --- | --- | --- | --- | --- | --- |', ...rows].join('\n');
}
