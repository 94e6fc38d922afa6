import { describe, expect, it } from 'vitest';
import { parseGitCommand } from './git-command.js';

describe('parseGitCommand', () => {
  it.each([
    ["git-receive-pack '/shop/web'", 'git-receive-pack'],
    ["git-receive-pack 'shop/web.git'", 'git-receive-pack'],
    ["git-upload-pack '/shop/web/'", 'git-upload-pack'],
    ["git upload-pack 'shop/web'", 'git-upload-pack'],
  ])('accepts %s', (line, program) => {
    expect(parseGitCommand(line)).toEqual({ ok: true, command: { program, project: 'shop', service: 'web' } });
  });
  it.each([
    ['ls', /no shell/],
    ['', /no shell/],
    ["git-receive-pack '/shop/web'; rm -rf /", /no shell/],
    ["git-receive-pack '/shop/web' extra", /no shell/],
    ["git-upload-archive '/shop/web'", /no shell/],
    ["git-receive-pack /shop/web", /no shell/],
    ["git-receive-pack '../etc'", /<project>\/<service>/],
    ["git-receive-pack '/../../etc/passwd'", /<project>\/<service>/],
    ["git-receive-pack 'a/b/c'", /<project>\/<service>/],
    ["git-receive-pack 'shop'", /<project>\/<service>/],
    ["git-receive-pack 'Shop/web'", /project name/],
    ["git-receive-pack 'shop/-web'", /service name/],
    ["git-receive-pack 'shop/web\\'x'", /no shell/],
  ])('refuses %j', (line, message) => {
    const parsed = parseGitCommand(line);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toMatch(message);
  });
});
