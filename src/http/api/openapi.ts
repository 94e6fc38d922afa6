// The OpenAPI 3.1 document of the JSON API, written from the routes as the door declared them:
// the schemas that check a request are the ones this document shows.
import { z } from 'zod';
import type { Answer, DeclaredRoute } from './door.js';
import { ErrorAnswer } from './schemas.js';

type JsonSchema = Record<string, unknown>;

const toSchema = (schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** /projects/:project → /projects/{project}, and the names of its parameters. */
export function openApiPath(path: string): { path: string; params: string[] } {
  const params: string[] = [];
  const converted = path.replace(/:([A-Za-z_]+)/g, (_, name: string) => (params.push(name), `{${name}}`));
  return { path: converted, params };
}

/** A stable, readable operation id: the method and the path's words, e.g. postProjectsProjectServices. */
export function operationId(route: Pick<DeclaredRoute, 'method' | 'path'>): string {
  const words = route.path.split(/[/:{}._-]+/).filter(Boolean);
  return route.method + words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}

const CONTENT: Record<NonNullable<Answer['type']>, string | undefined> = { json: 'application/json', sse: 'text/event-stream', jsonl: 'application/jsonl', octet: 'application/octet-stream', none: undefined };

function answer(a: Answer): { description: string; content?: Record<string, unknown> } {
  const type = CONTENT[a.type ?? 'json'];
  if (!type) return { description: a.description };
  const schema = a.schema ? toSchema(a.schema, 'output') : type === 'application/json' ? { type: 'object' } : { type: 'string' };
  return { description: a.description, content: { [type]: { schema } } };
}

const ERROR = { description: 'What was refused and why', content: { 'application/json': { schema: toSchema(ErrorAnswer, 'output') } } };

export function openApiDocument(routes: DeclaredRoute[], info: { version: string; serverUrl?: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const { path, params } = openApiPath(route.path);
    const query = route.query ? (toSchema(route.query, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] }) : undefined;
    const parameters = [
      ...params.map((name) => ({ name, in: 'path', required: true, schema: { type: 'string' } })),
      ...Object.entries(query?.properties ?? {}).map(([name, schema]) => ({
        name,
        in: 'query',
        required: query?.required?.includes(name) ?? false,
        ...(schema.description ? { description: schema.description } : {}),
        schema,
      })),
    ];
    // Two answers of one status (JSON, or JSON lines when asked) are one response of two content types.
    const responses: Record<string, { description: string; content?: Record<string, unknown> }> = {};
    for (const a of route.answers) {
      const one = answer(a);
      const known = responses[String(a.status)];
      responses[String(a.status)] = known ? { description: `${known.description}; ${one.description}`, content: { ...known.content, ...one.content } } : one;
    }
    for (const status of route.public ? ['400'] : ['400', '401', '403', '404']) responses[status] ??= ERROR;
    (paths[path] ??= {})[route.method] = {
      operationId: operationId(route),
      summary: route.summary,
      ...(route.description ? { description: route.description } : {}),
      tags: [route.tag],
      ...(route.public ? { security: [] } : {}),
      ...(parameters.length ? { parameters } : {}),
      ...(route.body ? { requestBody: { required: !route.bodyOptional, content: { 'application/json': { schema: toSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Spur API',
      version: info.version,
      description: 'The JSON API of a Spur installation. Authenticate with a token from `spur token create` or the Account page: `Authorization: Bearer spur_…`.',
    },
    ...(info.serverUrl ? { servers: [{ url: info.serverUrl }] } : {}),
    security: [{ token: [] }],
    components: { securitySchemes: { token: { type: 'http', scheme: 'bearer', description: 'An API token (spur_…)' } } },
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths,
  };
}
