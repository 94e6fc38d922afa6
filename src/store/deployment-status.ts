// The deployment state machine: which status may follow which. Pure.
import type { DeploymentStatus } from '../db/schema.js';

const NEXT: Record<DeploymentStatus, readonly DeploymentStatus[]> = {
  queued: ['building', 'deploying', 'cancelled', 'superseded', 'failed'],
  building: ['deploying', 'failed', 'cancelled'],
  deploying: ['active', 'failed'],
  active: ['superseded'],
  failed: [],
  cancelled: [],
  superseded: [],
};

export function canTransition(from: DeploymentStatus, to: DeploymentStatus): boolean {
  return NEXT[from].includes(to);
}

export const isFinished = (s: DeploymentStatus) => NEXT[s].length === 0 || s === 'active';
