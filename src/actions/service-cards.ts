// What a project's canvas shows of each service in one environment (views/components/project-canvas.tsx draws it).
import type { DeploymentStatus } from '../db/schema.js';
import type { ShownState } from './service-state.js';

export interface ServiceCard {
  name: string;
  source: string;
  /** Status of the deployment that serves, if any, else of the latest attempt. */
  status: DeploymentStatus | null;
  /** The latest attempt when it is not what serves (building, failed …). */
  latest: { id: number; status: DeploymentStatus } | null;
  serving: number | null;
  /** What the serving deployment runs: its commit, and its image. */
  commit: string | null;
  image: string | null;
  /** What every view says of it (service-state.ts). */
  state: ShownState;
  url: string | null;
  running: number | null;
  replicas: number;
  lastDeployAt: string | null;
}

