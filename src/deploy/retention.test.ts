import { describe, expect, it } from 'vitest';
import { imagesToPrune } from './retention.js';

const d = (id: number, status: string, imageTag: string | null, serviceId = 1) => ({ id, serviceId, environmentId: 1, status, imageTag });

describe('imagesToPrune', () => {
  it('keeps the last N images that served per instance, and prunes older and failed ones', () => {
    const deployments = [
      d(1, 'superseded', 'spur/p-web:1'),
      d(2, 'superseded', 'spur/p-web:2'),
      d(3, 'failed', 'spur/p-web:3'),
      d(4, 'superseded', 'spur/p-web:4'),
      d(5, 'active', 'spur/p-web:5'),
      d(6, 'superseded', 'spur/p-api:6', 2),
    ];
    expect(imagesToPrune(deployments, 2)).toEqual(['spur/p-web:1', 'spur/p-web:2', 'spur/p-web:3']);
  });
  it('never prunes the active image, images in use by running deployments, or images Spur did not build', () => {
    const deployments = [d(1, 'active', 'spur/p-web:1'), d(2, 'superseded', 'nginx:1.27'), d(3, 'deploying', 'spur/p-web:3'), d(4, 'superseded', 'spur/p-web:4')];
    expect(imagesToPrune(deployments, 0)).toEqual(['spur/p-web:4']);
  });
  it('keeps an image a rollback reuses as long as one of its deployments is kept', () => {
    const deployments = [d(1, 'superseded', 'spur/p-web:1'), d(2, 'superseded', 'spur/p-web:2'), d(3, 'active', 'spur/p-web:1')];
    expect(imagesToPrune(deployments, 1)).toEqual(['spur/p-web:2']);
  });
});
