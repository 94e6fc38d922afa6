// The events a project's webhooks can ask for, and what each says. An event's payload is
// { id, type, project, createdAt, data }: data is the object described here.
export const EVENT_TYPES = {
  'deployment.queued': 'a deployment was asked for (a push, a click, the API, a schedule)',
  'deployment.rollback': 'a rollback to an earlier deployment was asked for',
  'deployment.active': 'a deployment serves: its version runs',
  'deployment.failed': 'a deployment failed; the version before it keeps serving',
  'certificate.issued': "a domain's certificate was obtained",
  'certificate.failed': "a domain's certificate order failed; it is tried again later",
  'backup.done': 'a database or volume backup was taken',
  'backup.failed': 'a database or volume backup failed',
  'member.added': 'a person was added to the project',
  'alert.fired': "an alert of the project's fired",
  'alert.resolved': "an alert of the project's resolved",
} as const;

export type EventType = keyof typeof EVENT_TYPES;

export const eventTypes = Object.keys(EVENT_TYPES) as EventType[];

export const isEventType = (s: string): s is EventType => Object.hasOwn(EVENT_TYPES, s);

/** What a webhook or a stream sees of an event. */
export interface EventPayload {
  id: number;
  type: string;
  project: string;
  createdAt: string;
  data: Record<string, unknown>;
}
