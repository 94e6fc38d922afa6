// What the rules read: one snapshot of the installation, taken once a minute. Plain data, so that
// each rule is a pure function of it.
import type { MetricPoint } from '../../store/metrics.js';

export interface SubjectOf {
  /** The Swarm service's name: its metrics series. */
  series: string;
  projectId: number;
  project: string;
  name: string;
  environment: string;
}

export interface ServiceFacts extends SubjectOf {
  replicas: number;
  /** Each task's CPU limit in cores, null without. */
  cpuLimit: number | null;
  /** Tasks running now, and why one is not (plain words); undefined when Docker was not asked. */
  running?: number;
  problem?: string;
  /** Its newest finished deployment. */
  lastDeployment?: { id: number; status: string; reason: string | null };
  /** A deployment of it serves (one succeeded and was not replaced), whatever came after. */
  serving: boolean;
  /** It is being deployed now. */
  deploying: boolean;
}

export interface AlertSnapshot {
  nowS: number;
  /** Docker answered: the task and server facts below are real. */
  docker: boolean;
  services: ServiceFacts[];
  databases: SubjectOf[];
  servers: { name: string; series: string; status: string }[];
  /** Each series' newest whole minute (services, databases, servers). */
  points: Map<string, MetricPoint>;
  /** Tasks that ended on their own in the last ten minutes, by series. */
  recentExits: Map<string, number>;
  certificates: { projectId: number; project: string; service: string; environment: string; hostname: string; failed: string | null; notAfter: string | null }[];
  backups: { projectId: number; project: string; database: string; environment: string; why: string }[];
  /** Each scheduled job's newest run that ran (not skipped, not running). */
  jobs: { projectId: number; project: string; service: string; environment: string; job: string; run: { id: number; status: string; reason: string | null } }[];
  update?: { version: string };
}

export const label = (s: SubjectOf) => `${s.name} (${s.project}, ${s.environment})`;

export const servicePath = (s: SubjectOf) => `/projects/${s.project}/services/${s.name}${s.environment === 'production' ? '' : `?env=${s.environment}`}`;
export const databasePath = (s: SubjectOf) => `/projects/${s.project}/databases/${s.name}?env=${s.environment}`;
