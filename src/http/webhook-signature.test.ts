import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { checkWebhook } from './webhook-signature.js';

const body = Buffer.from('{"ref":"refs/heads/main"}');
const hmac = (secret: string) => createHmac('sha256', secret).update(body).digest('hex');
const headers = (h: Record<string, string>) => (name: string) => h[name.toLowerCase()];

describe('checkWebhook', () => {
  it('accepts GitHub, Gitea and GitLab pushes signed with the secret', () => {
    expect(checkWebhook(headers({ 'x-hub-signature-256': `sha256=${hmac('s3')}`, 'x-github-event': 'push', 'x-github-delivery': 'd1' }), body, 's3')).toEqual({ ok: true, provider: 'github', deliveryId: 'd1', isPush: true, event: 'push' });
    expect(checkWebhook(headers({ 'x-gitea-signature': hmac('s3'), 'x-gitea-event': 'push', 'x-gitea-delivery': 'd2' }), body, 's3')).toEqual({ ok: true, provider: 'gitea', deliveryId: 'd2', isPush: true, event: 'push' });
    expect(checkWebhook(headers({ 'x-gitlab-token': 's3', 'x-gitlab-event': 'Push Hook', 'x-gitlab-event-uuid': 'd3' }), body, 's3')).toEqual({ ok: true, provider: 'gitlab', deliveryId: 'd3', isPush: true, event: 'Push Hook' });
  });
  it('prefers the Gitea signature when Gitea also sends the GitHub header', () => {
    const result = checkWebhook(headers({ 'x-gitea-signature': hmac('s3'), 'x-hub-signature-256': `sha256=${hmac('s3')}`, 'x-gitea-event': 'push' }), body, 's3');
    expect(result).toMatchObject({ ok: true, provider: 'gitea' });
  });
  it('refuses wrong, truncated and missing signatures', () => {
    expect(checkWebhook(headers({ 'x-hub-signature-256': `sha256=${hmac('other')}` }), body, 's3')).toEqual({ ok: false, reason: 'the X-Hub-Signature-256 does not match' });
    expect(checkWebhook(headers({ 'x-hub-signature-256': `sha256=${hmac('s3').slice(0, 10)}` }), body, 's3').ok).toBe(false);
    expect(checkWebhook(headers({ 'x-gitea-signature': '' }), body, 's3').ok).toBe(false);
    expect(checkWebhook(headers({ 'x-gitlab-token': 's3x' }), body, 's3').ok).toBe(false);
    expect(checkWebhook(headers({}), body, 's3')).toMatchObject({ ok: false, reason: expect.stringMatching(/^no signature/) });
  });
  it('uses a digest of the body as delivery id when the host sends none', () => {
    const a = checkWebhook(headers({ 'x-gitlab-token': 's3', 'x-gitlab-event': 'Push Hook' }), body, 's3');
    const b = checkWebhook(headers({ 'x-gitlab-token': 's3', 'x-gitlab-event': 'Push Hook' }), body, 's3');
    expect(a.ok && b.ok && a.deliveryId === b.deliveryId && a.deliveryId.length === 64).toBe(true);
  });
});
