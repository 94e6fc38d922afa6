import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { roleTableMarkdown } from './role-table.js';

const MARKER = '<!-- the role matrix: generated from MAY (src/actions/access.ts) by roleTableMarkdown -->';

describe('the role matrix in the README', () => {
  it('is the matrix the door enforces, row for row', () => {
    const readme = readFileSync(resolve(__dirname, '../../README.md'), 'utf8');
    const at = readme.indexOf(MARKER);
    expect(at, `the README has no line ${MARKER}`).toBeGreaterThan(-1);
    const table = readme.slice(at + MARKER.length).trimStart().split('\n\n')[0];
    expect(table).toBe(roleTableMarkdown());
  });

  it('gives a viewer nothing that changes anything, and a developer no admin action', () => {
    const rows = roleTableMarkdown().split('\n').slice(2);
    const row = (a: string) => rows.find((r) => r.startsWith(`| \`${a}\``))!;
    expect(row('variables.reveal')).toBe('| `variables.reveal` | project | yes | yes | — | — | admin |');
    expect(row('deploy')).toBe('| `deploy` | project | yes | yes | yes | — | deploy |');
    expect(row('users.manage')).toBe('| `users.manage` | installation | yes | — | — | — | admin |');
    expect(row('project.create')).toBe('| `project.create` | installation | yes | yes | yes | yes | admin |');
    expect(row('tokens.read')).toBe('| `tokens.read` | account | yes | yes | yes | yes | read |');
  });
});
