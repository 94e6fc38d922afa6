// Deployment pieces reused by pages and by live (SSE) fragments.
import type { Child } from 'hono/jsx';
import type { DeploymentStatus } from '../../src/db/schema.js';
import { ansiSegments } from './ansi.js';
import { Time } from './time.js';

export interface DeploymentRowProps {
  id: number;
  status: DeploymentStatus;
  commitSha: string | null;
  commitMessage: string | null;
  trigger: string;
  createdAt: string;
  failureReason: string | null;
}

export type DeploymentView = DeploymentRowProps & { imageTag: string | null };

/** Deployments that may still be cancelled. */
export const isCancellable = (d: { status: DeploymentStatus }) => d.status === 'queued' || d.status === 'building';

export function StatusBadge(props: { status: DeploymentStatus }) {
  return <span class={`badge badge-${props.status}`} data-status={props.status}>{props.status}</span>;
}

export function DeploymentRow(props: { d: DeploymentRowProps; children?: Child }) {
  const d = props.d;
  return (
    <tr>
      <td><a href={`/deployments/${d.id}`}>#{d.id}</a></td>
      <td data-label="Status"><StatusBadge status={d.status} /></td>
      <td data-label="Commit">{d.commitSha ? <code>{d.commitSha.slice(0, 7)}</code> : '—'} {d.commitMessage ?? ''}</td>
      <td class="muted" data-label="Trigger">{d.trigger}</td>
      <td class="muted" data-label="Started"><Time at={d.createdAt} /></td>
      <td class="muted" data-label="Reason">{d.failureReason ?? ''}</td>
      <td>{props.children}</td>
    </tr>
  );
}

/** One log line, its terminal colours as classes (text is escaped by JSX); a build log line
 *  shows the time it was written (runtime lines carry their own). */
export function LogLine(props: { line: string; at?: string }) {
  return <div class="line">{props.at && <time class="ts" datetime={props.at}>{props.at.slice(11, 19)} </time>}{ansiSegments(props.line).map((s) => (s.classes.length ? <span class={s.classes.join(' ')}>{s.text}</span> : s.text))}</div>;
}
