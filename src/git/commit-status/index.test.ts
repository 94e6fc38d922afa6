import { describe, expect, it } from 'vitest';
import { commitStatusRequest, hostedRepository } from './index.js';

const sha = 'a'.repeat(40);
const status = { state: 'success' as const, url: 'https://web-pr-7.example.test', description: 'Preview pr-7 is running' };

describe('hostedRepository', () => {
  it('reads the host and path of https, http, ssh and scp-style URLs', () => {
    expect(hostedRepository('https://github.com/acme/shop.git')).toEqual({ origin: 'https://github.com', path: 'acme/shop' });
    expect(hostedRepository('http://10.0.0.5:3000/acme/shop')).toEqual({ origin: 'http://10.0.0.5:3000', path: 'acme/shop' });
    expect(hostedRepository('ssh://git@gitlab.example.com:2222/group/sub/shop.git')).toEqual({ origin: 'https://gitlab.example.com', path: 'group/sub/shop' });
    expect(hostedRepository('git@github.com:acme/shop.git')).toEqual({ origin: 'https://github.com', path: 'acme/shop' });
  });

  it('names none for a URL without an owner and a name, or with odd segments', () => {
    for (const url of ['https://github.com/shop.git', 'file:///srv/shop.git', 'https://h/acme/%2e%2e/x', 'https://h/acme/sh op', 'not a url', 'https://h/acme/..']) expect(hostedRepository(url), url).toBeUndefined();
  });
});

describe('commitStatusRequest', () => {
  it("GitHub: api.github.com, a bearer token, GitHub's states", () => {
    const r = commitStatusRequest('github', 'https://github.com/acme/shop.git', sha, status, 'ghp_x')!;
    expect(r.url).toBe(`https://api.github.com/repos/acme/shop/statuses/${sha}`);
    expect(r.headers.Authorization).toBe('Bearer ghp_x');
    expect(JSON.parse(r.body)).toEqual({ state: 'success', target_url: status.url, description: status.description, context: 'spur/preview' });
    expect(commitStatusRequest('github', 'https://ghe.example.com/acme/shop', sha, status, 't')!.url).toBe(`https://ghe.example.com/api/v3/repos/acme/shop/statuses/${sha}`);
  });

  it('Gitea: its own host, a token header', () => {
    const r = commitStatusRequest('gitea', 'https://git.example.com/acme/shop.git', sha, { ...status, state: 'pending', url: null }, 'tok')!;
    expect(r.url).toBe(`https://git.example.com/api/v1/repos/acme/shop/statuses/${sha}`);
    expect(r.headers.Authorization).toBe('token tok');
    expect(JSON.parse(r.body)).toEqual({ state: 'pending', description: status.description, context: 'spur/preview' });
  });

  it("GitLab: the project's path encoded, PRIVATE-TOKEN, its state names", () => {
    const r = commitStatusRequest('gitlab', 'https://gitlab.com/group/sub/shop.git', sha, { ...status, state: 'failure' }, 'glpat')!;
    expect(r.url).toBe(`https://gitlab.com/api/v4/projects/group%2Fsub%2Fshop/statuses/${sha}`);
    expect(r.headers['PRIVATE-TOKEN']).toBe('glpat');
    expect(JSON.parse(r.body)).toMatchObject({ state: 'failed', name: 'spur/preview' });
  });

  it('makes no request for a commit that is not a sha or a repository it cannot place', () => {
    expect(commitStatusRequest('github', 'https://github.com/acme/shop', '../x', status, 't')).toBeUndefined();
    expect(commitStatusRequest('github', 'https://github.com/shop', sha, status, 't')).toBeUndefined();
  });
});
