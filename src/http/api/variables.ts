// Variables: a project environment's shared variables, and a service instance's own (one by one, or
// all as one .env text).
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import { NotFound } from '../../errors.js';
import * as ops from '../../actions/index.js';
import * as shared from '../../actions/shared-variables.js';
import { describeDiff, previewVariablesText, replaceVariablesText, variablesText } from '../../actions/variables-text.js';
import * as validate from '../../validate.js';
import type { ApiRoutes } from './door.js';
import { instanceOf } from './context.js';
import { EnvQuery, RequestedAnswer, json } from './schemas.js';

const masked = (names: string[]) => Object.fromEntries(names.map((n) => [n, '••••••']));

const RevealQuery = EnvQuery.extend({ reveal: z.string().optional().describe('1 to show the values in clear (for those who may reveal them; the reveal is recorded)') });

const Variables = z.object({ variables: z.record(z.string(), z.string()).describe('NAME: value, by name; values are masked (••••••) unless revealed') });
const MaskedVariables = z.object({ variables: z.record(z.string(), z.string()).describe('Every variable now set, NAME: •••••• (values masked)') });

/** Changes as `{ variables: { NAME: value | null } }`, or the map itself as the body (what the
 *  action reads: `body.variables ?? body`); any other key is then a variable name. */
const VariableChanges = z
  .object({
    variables: z
      .record(z.string(), z.string().nullable().describe('The value (at most 32 KiB); null removes the variable'))
      .optional()
      .describe('NAME: value pairs to set, e.g. { "API_KEY": "abc", "OLD": null }; names match [A-Za-z_][A-Za-z0-9_]*, at most 500 at once'),
  })
  .catchall(z.string().nullable())
  .superRefine((body, ctx) => {
    const others = Object.keys(body).filter((k) => k !== 'variables');
    if (body.variables !== undefined && others.length) ctx.addIssue({ code: 'custom', path: [others[0]!], message: 'give the changes under `variables` or as the body itself, not both' });
  })
  .describe('The changes: NAME: value pairs under `variables`, or the pairs themselves as the body ({ "API_KEY": "abc" }). A value of null removes that variable; variables not named stay as they are.');

const Held = json(202, 'Held for approval in a protected environment', RequestedAnswer);

export function variableRoutes(routes: ApiRoutes, deps: Deps): void {
  const r = routes.area('Variables');
  // Shared variables of a project environment (?env=), referenced as ${{shared.NAME}}.
  r.get(
    '/projects/:project/shared-variables',
    { summary: "An environment's shared variables, masked unless revealed", query: RevealQuery, answers: [json(200, 'The shared variables', Variables)] },
    async (c, { params, query }) => {
      if (query.reveal === '1') return c.json({ variables: await shared.revealSharedVariables(deps, c.get('user'), params.project, query.env) });
      return c.json({ variables: masked(await shared.sharedVariableNames(deps, c.get('user'), params.project, query.env)) });
    },
  );
  r.put(
    '/projects/:project/shared-variables',
    {
      summary: "Set or remove an environment's shared variables",
      description: 'Services of the environment reference a shared variable as ${{shared.NAME}}; they take the change with their next deploy.',
      query: EnvQuery,
      body: VariableChanges,
      answers: [json(200, 'The shared variables now set', MaskedVariables), Held],
    },
    async (c, { params, query, body }) => c.json({ variables: masked(await shared.changeSharedVariables(deps, c.get('user'), params.project, body.variables ?? body, query.env)) }),
  );
  r.delete(
    '/projects/:project/shared-variables/:key',
    { summary: 'Remove one shared variable', query: EnvQuery, answers: [json(200, 'The shared variables left', MaskedVariables), Held] },
    async (c, { params, query }) => {
      const key = validate.variableKey(params.key);
      if (!(await shared.sharedVariableNames(deps, c.get('user'), params.project, query.env)).includes(key)) throw new NotFound(`there is no shared variable ${key}`);
      return c.json({ variables: masked(await shared.changeSharedVariables(deps, c.get('user'), params.project, { [key]: null }, query.env)) });
    },
  );

  r.get(
    '/projects/:project/services/:service/variables',
    { summary: "A service's variables, masked unless revealed", query: RevealQuery, answers: [json(200, 'The variables', Variables)] },
    async (c, { params, query }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'variables.read-names');
      if (query.reveal === '1') return c.json({ variables: await ops.revealVariables(deps, ctx) });
      return c.json({ variables: masked(await ops.variableNames(deps, ctx)) });
    },
  );
  r.put(
    '/projects/:project/services/:service/variables',
    { summary: "Set or remove a service's variables", description: 'They apply with the next deploy.', query: EnvQuery, body: VariableChanges, answers: [json(200, 'The variables now set', MaskedVariables), Held] },
    async (c, { params, query, body }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'variables.change');
      return c.json({ variables: masked(await ops.changeVariables(deps, ctx, body.variables ?? body)) });
    },
  );
  // All variables as one .env text (the owner's): read, or made exactly so in one change.
  r.get(
    '/projects/:project/services/:service/variables/text',
    { summary: "A service's variables as one .env text, values in clear", query: EnvQuery, answers: [json(200, 'The .env text', z.object({ env: z.string().describe('NAME=value lines, by name') }))] },
    async (c, { params, query }) => c.json({ env: await variablesText(deps, await instanceOf(deps, c, { params, query }, 'variables.reveal')) }),
  );
  r.put(
    '/projects/:project/services/:service/variables/text',
    {
      summary: "Make a service's variables exactly what a .env text says, or preview that",
      description: 'Variables the text leaves out are removed. With dryRun, nothing is saved: the answer says what would change.',
      query: EnvQuery,
      body: z.strictObject({
        env: z.string().optional().describe('The whole .env text, NAME=value lines; an empty (or missing) text removes every variable'),
        dryRun: z.boolean().optional().describe('true to only say what saving would add, change and remove'),
      }),
      answers: [
        json(
          200,
          'What changed (or would)',
          z.object({
            added: z.array(z.string()),
            changed: z.array(z.string()),
            removed: z.array(z.string()),
            summary: z.string().describe('In words, e.g. "Adds NEW; removes OLD."'),
            applied: z.boolean().describe('false for a dry run'),
          }),
        ),
        Held,
      ],
    },
    async (c, { params, query, body }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'variables.reveal');
      const dryRun = body.dryRun === true;
      const diff = dryRun ? await previewVariablesText(deps, ctx, body) : await replaceVariablesText(deps, ctx, body);
      return c.json({ ...diff, summary: describeDiff(diff), applied: !dryRun });
    },
  );
  r.delete(
    '/projects/:project/services/:service/variables/:key',
    { summary: 'Remove one variable of a service', query: EnvQuery, answers: [json(200, 'The variables left', MaskedVariables), Held] },
    async (c, { params, query }) => {
      const ctx = await instanceOf(deps, c, { params, query }, 'variables.change');
      const key = validate.variableKey(params.key);
      if (!(await ops.variableNames(deps, ctx)).includes(key)) throw new NotFound(`there is no variable ${key}`);
      return c.json({ variables: masked(await ops.changeVariables(deps, ctx, { [key]: null })) });
    },
  );
}
