// The JSON API under /api/v1, authenticated by bearer tokens: every route declared at the door
// (door.ts), area by area, and the OpenAPI document they make.
import { Hono } from 'hono';
import type { Deps } from '../../deps.js';
import { VERSION } from '../../version.js';
import { type AuthEnv, requireToken } from '../auth.js';
import { ApiRoutes, type DeclaredRoute } from './door.js';
import { openApiDocument } from './openapi.js';
import { accountRoutes } from './account.js';
import { alertRoutes } from './alerts.js';
import { auditRoutes } from './audit.js';
import { composeRoutes } from './compose.js';
import { databaseRoutes } from './databases.js';
import { deploymentRoutes } from './deployments.js';
import { domainRoutes } from './domains.js';
import { eventRoutes } from './events.js';
import { instanceRoutes } from './instance.js';
import { jobRoutes } from './jobs.js';
import { memberRoutes } from './members.js';
import { previewRoutes } from './previews.js';
import { projectRoutes } from './projects.js';
import { requestRoutes } from './requests.js';
import { serverRoutes } from './servers.js';
import { serviceRoutes } from './services.js';
import { templateRoutes } from './templates.js';
import { userRoutes } from './users.js';
import { variableRoutes } from './variables.js';
import { volumeRoutes } from './volumes.js';

/** Each area of the API, in the order the reference page lists them. */
const AREAS = [projectRoutes, serviceRoutes, deploymentRoutes, variableRoutes, domainRoutes, volumeRoutes, jobRoutes, databaseRoutes, composeRoutes, templateRoutes, previewRoutes, requestRoutes, memberRoutes, alertRoutes, eventRoutes, auditRoutes, accountRoutes, userRoutes, serverRoutes, instanceRoutes];

export const OPENAPI_PATH = '/openapi.json';

export function apiRoutes(deps: Deps): { app: Hono<AuthEnv>; declared: DeclaredRoute[] } {
  const app = new Hono<AuthEnv>();
  const routes = new ApiRoutes(app);
  let document: Record<string, unknown> | undefined;
  // The document is public (it says what the API is, never what an installation holds).
  routes.area('API').get(OPENAPI_PATH, { summary: 'This API, described in OpenAPI 3.1', public: true, answers: [{ status: 200, description: 'The OpenAPI document' }] }, (c) =>
    c.json((document ??= openApiDocument(routes.declared, { version: VERSION, serverUrl: '/api/v1' }))),
  );
  app.use('*', requireToken(deps));
  for (const area of AREAS) area(routes, deps);
  return { app, declared: routes.declared };
}
