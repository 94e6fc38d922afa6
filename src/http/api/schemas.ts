// Shapes the API's routes share: its error answer, the environment parameter, a typed confirmation,
// and the views more than one route answers with.
import { z } from 'zod';

export const ErrorAnswer = z.object({
  error: z.string().describe('What was refused and why, in one line'),
  problems: z.array(z.object({ line: z.number().nullable(), path: z.string(), message: z.string() })).optional().describe('A refused Compose file: every problem, each with its line'),
});

/** ?env= on the routes of one environment; production when left out. */
export const EnvQuery = z.object({ env: z.string().optional().describe('The environment (production when left out)') });

/** A removal typed out, as the CLI's `--yes` is not: the name of what is removed. */
export const Confirm = z.strictObject({ confirm: z.string().describe('The name of what is removed, typed again') });

export const ProjectView = z.object({ name: z.string(), environments: z.array(z.string()), createdAt: z.string() });

export const SourceView = z.record(z.string(), z.unknown()).describe('Where the service comes from: a git repository, a push, or an image');

export const DeploymentView = z.object({
  id: z.number().int(),
  status: z.string().describe('queued, building, deploying, active, failed, cancelled, superseded, …'),
  commitSha: z.string().nullable(),
  commitMessage: z.string().nullable(),
  imageTag: z.string().nullable(),
  trigger: z.string(),
  failureReason: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  rollbackOf: z.number().int().nullable(),
  promotedFrom: z.number().int().nullable(),
  buildPlan: z.object({ stack: z.string(), reasons: z.array(z.string()), dockerfile: z.string() }).nullable(),
});

/** A change held back in a protected environment: accepted as a request that waits for an admin. */
export const RequestedAnswer = z.object({ request: z.record(z.string(), z.unknown()), message: z.string() });

export const json = (status: number, description: string, schema?: z.ZodType) => ({ status, description, schema });
export const noContent = (description = 'Done') => ({ status: 204, description, type: 'none' as const });
