// What the API's route files share: the caller's service instance, through the door of actions/access.ts.
import type { Context } from 'hono';
import type { Deps } from '../../deps.js';
import type { ProjectAction } from '../../actions/access.js';
import * as ops from '../../actions/index.js';
import type { AuthEnv } from '../auth.js';

/** The service instance of the path's project and service in ?env= (production when left out), for one action of the matrix. */
export const instanceOf = (deps: Deps, c: Context<AuthEnv>, where: { params: { project: string; service: string }; query: { env?: string } }, action: ProjectAction) =>
  ops.findInstance(deps, c.get('user'), { project: where.params.project, service: where.params.service, environment: where.query.env }, action);
