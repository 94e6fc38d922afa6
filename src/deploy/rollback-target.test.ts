import { describe, expect, it } from 'vitest';
import { builtBySpur, chooseRollbackTarget } from './rollback-target.js';

describe('chooseRollbackTarget', () => {
  const targets = [
    { id: 5, status: 'active', image_tag: 'nginx:1.27' },
    { id: 4, status: 'superseded', image_tag: 'nginx:1.27' },
    { id: 3, status: 'superseded', image_tag: 'nginx:1.26' },
  ] as const;
  it('skips earlier deployments of the image that serves now', () => expect(chooseRollbackTarget([...targets])?.id).toBe(3));
  it('takes a named deployment as it is', () => expect(chooseRollbackTarget([...targets], 4)?.id).toBe(4));
  it('finds nothing when every earlier deployment runs the same image', () => expect(chooseRollbackTarget([...targets].slice(0, 2))).toBeUndefined());
});

describe('builtBySpur', () => {
  it('tells an image Spur built for the service from a public image the user named, whatever the source is now', () => {
    expect(builtBySpur('spur/shop/web:3-0a1b2c3d4e5f')).toBe(true);
    expect(builtBySpur('nginx:1.27')).toBe(false);
    expect(builtBySpur('ghcr.io/spur/web:1')).toBe(false);
    expect(builtBySpur('spurious/app:1')).toBe(false);
  });
});
