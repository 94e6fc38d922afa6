import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../db/schema.js';
import { canTransition, isFinished } from './deployment-status.js';

describe('deployment status transitions', () => {
  it('follows queued → building → deploying → active → superseded', () => {
    const path: DeploymentStatus[] = ['queued', 'building', 'deploying', 'active', 'superseded'];
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1], path[i])).toBe(true);
  });
  it('never moves backwards or out of a final state', () => {
    expect(canTransition('active', 'building')).toBe(false);
    expect(canTransition('deploying', 'building')).toBe(false);
    for (const s of ['failed', 'cancelled', 'superseded'] as const) expect(canTransition(s, 'active')).toBe(false);
  });
  it('lets image deployments skip building', () => expect(canTransition('queued', 'deploying')).toBe(true));
  it('knows which states are final for followers', () => {
    expect(['active', 'failed', 'cancelled', 'superseded'].every((s) => isFinished(s as DeploymentStatus))).toBe(true);
    expect(['queued', 'building', 'deploying'].some((s) => isFinished(s as DeploymentStatus))).toBe(false);
  });
});
