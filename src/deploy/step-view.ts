// A deployment's steps as people read them: each step that happened with how long it took (or
// how long so far), then how it ended. Pure: `now` is passed in.
import type { Deployment, DeploymentStep, DeploymentStepName } from '../db/schema.js';

export type StepState = 'done' | 'running' | 'failed' | 'cancelled';

export interface StepView {
  name: DeploymentStepName | 'active' | 'failed' | 'cancelled' | 'superseded';
  label: string;
  state: StepState;
  startedAt: string;
  finishedAt: string | null;
  /** How long it took, or has taken so far; null for the final entry, a moment. */
  seconds: number | null;
}

const LABELS: Record<StepView['name'], string> = {
  queued: 'Queued',
  fetch: 'Fetch source',
  build: 'Build image',
  release: 'Pre-deploy command',
  rollout: 'Roll out',
  health: 'Health check',
  active: 'Active',
  failed: 'Failed',
  cancelled: 'Cancelled',
  superseded: 'Superseded',
};

const seconds = (from: string, to: string | number) => Math.max(0, ((typeof to === 'number' ? to : Date.parse(to)) - Date.parse(from)) / 1000);

type Input = Pick<Deployment, 'status' | 'created_at' | 'finished_at'>;

export function toStepsView(d: Input, rows: Pick<DeploymentStep, 'name' | 'started_at' | 'finished_at' | 'outcome'>[], now: number): StepView[] {
  const steps: StepView[] = rows.map((r) => ({ name: r.name, label: LABELS[r.name], state: r.outcome ?? 'running', startedAt: r.started_at, finishedAt: r.finished_at, seconds: seconds(r.started_at, r.finished_at ?? now) }));
  // Not picked up yet (or given up before it was): the wait in the queue is all there is.
  if (rows.length === 0 && (d.status === 'queued' || ((d.status === 'cancelled' || d.status === 'superseded') && d.finished_at))) {
    const end = d.status === 'queued' ? null : d.finished_at;
    steps.push({ name: 'queued', label: LABELS.queued, state: end ? 'cancelled' : 'running', startedAt: d.created_at, finishedAt: end, seconds: seconds(d.created_at, end ?? now) });
  }
  const last = steps.at(-1);
  // One that served and was replaced ends at Active; its badge says it was replaced.
  if (d.status === 'active' || (d.status === 'superseded' && last?.name === 'health' && last.state === 'done')) {
    const at = last?.finishedAt ?? d.finished_at;
    if (at) steps.push({ name: 'active', label: LABELS.active, state: 'done', startedAt: at, finishedAt: at, seconds: null });
  } else if ((d.status === 'failed' || d.status === 'cancelled' || d.status === 'superseded') && d.finished_at) {
    const label = d.status === 'superseded' ? 'Replaced by a newer deployment' : LABELS[d.status];
    steps.push({ name: d.status, label, state: d.status === 'failed' ? 'failed' : 'cancelled', startedAt: d.finished_at, finishedAt: d.finished_at, seconds: null });
  }
  return steps;
}

/** A duration as people say it: 0.4 s, 12 s, 2 min 5 s. */
export function describeSeconds(s: number): string {
  if (s < 10) return `${s.toFixed(1)} s`;
  if (s < 60) return `${Math.round(s)} s`;
  const whole = Math.round(s);
  return `${Math.floor(whole / 60)} min${whole % 60 ? ` ${whole % 60} s` : ''}`;
}
