// Recognises and authenticates a push webhook from GitHub, GitLab or Gitea/Forgejo. Pure.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

import type { Provider } from '../git/pull-requests.js';

export type { Provider };

export type WebhookCheck = { ok: true; provider: Provider; deliveryId: string; isPush: boolean; event: string } | { ok: false; reason: string };

type Headers = (name: string) => string | undefined;

function sameBytes(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

const hmacHex = (secret: string, body: Buffer) => createHmac('sha256', secret).update(body).digest('hex');

export function checkWebhook(header: Headers, body: Buffer, secret: string): WebhookCheck {
  const giteaSignature = header('x-gitea-signature') ?? header('x-forgejo-signature');
  const githubSignature = header('x-hub-signature-256');
  const gitlabToken = header('x-gitlab-token');
  const bodyId = createHash('sha256').update(body).digest('hex');
  if (giteaSignature !== undefined) {
    if (!sameBytes(giteaSignature.toLowerCase(), hmacHex(secret, body))) return { ok: false, reason: 'the X-Gitea-Signature does not match' };
    const event = header('x-gitea-event') ?? header('x-forgejo-event') ?? '';
    return { ok: true, provider: 'gitea', deliveryId: header('x-gitea-delivery') ?? header('x-forgejo-delivery') ?? bodyId, isPush: event === 'push', event };
  }
  if (githubSignature !== undefined) {
    if (!sameBytes(githubSignature.toLowerCase(), `sha256=${hmacHex(secret, body)}`)) return { ok: false, reason: 'the X-Hub-Signature-256 does not match' };
    const event = header('x-github-event') ?? '';
    return { ok: true, provider: 'github', deliveryId: header('x-github-delivery') ?? bodyId, isPush: event === 'push', event };
  }
  if (gitlabToken !== undefined) {
    // GitLab sends the secret itself; compare digests so the time taken says nothing about it.
    const digest = (s: string) => createHash('sha256').update(s).digest('hex');
    if (!sameBytes(digest(gitlabToken), digest(secret))) return { ok: false, reason: 'the X-Gitlab-Token does not match' };
    const event = header('x-gitlab-event') ?? '';
    return { ok: true, provider: 'gitlab', deliveryId: header('x-gitlab-event-uuid') ?? header('idempotency-key') ?? bodyId, isPush: event === 'Push Hook', event };
  }
  return { ok: false, reason: 'no signature: send X-Hub-Signature-256 (GitHub), X-Gitlab-Token (GitLab) or X-Gitea-Signature (Gitea, Forgejo)' };
}
