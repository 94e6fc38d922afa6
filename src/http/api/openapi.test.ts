// The OpenAPI document against the API as it runs: every route described and nothing more, every
// body field the document names taken by the route's door and no other, and a document a
// maintained validator accepts as OpenAPI 3.1.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import SwaggerParser from '@apidevtools/swagger-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { apiAs, makeTestApp, ownerAndMember } from '../../../test/app-fixture.js';
import { openApiPath } from './openapi.js';

type Operation = { requestBody?: { content: { 'application/json': { schema: JsonSchema } } }; parameters?: { name: string; in: string }[]; operationId: string; summary: string };
type JsonSchema = { type?: string; properties?: Record<string, JsonSchema>; additionalProperties?: boolean | JsonSchema; required?: string[] };
type Document = { openapi: string; paths: Record<string, Record<string, Operation>> };

let app: Awaited<ReturnType<typeof makeTestApp>>['app'];
let call: ReturnType<typeof apiAs>;
let tokens: Record<string, string>;
let doc: Document;

beforeAll(async () => {
  const made = await makeTestApp();
  app = made.app;
  tokens = (await ownerAndMember(made.deps)).tokens;
  call = apiAs(app, tokens);
  const res = await app.request('/api/v1/openapi.json');
  expect(res.status).toBe(200);
  doc = (await res.json()) as Document;
});

const operations = () => Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
/** A path of the document with a value for each parameter. */
const concrete = (path: string) => path.replace(/\{([^}]+)\}/g, (_, name: string) => `no-such-${name}`);

describe('the OpenAPI document', () => {
  it('is served without a token and is valid OpenAPI 3.1', async () => {
    expect(doc.openapi).toBe('3.1.0');
    await SwaggerParser.validate(structuredClone(doc) as never);
  });

  it('describes every route of the API, and describes no route that does not exist', () => {
    const served = new Set(app.routes.filter((r) => r.method !== 'ALL' && r.path.startsWith('/api/v1/')).map((r) => `${r.method} ${openApiPath(r.path.slice('/api/v1'.length)).path}`));
    const described = new Set(operations().map((o) => `${o.method.toUpperCase()} ${o.path}`));
    expect([...served].filter((r) => !described.has(r)), 'routes the document does not describe').toEqual([]);
    expect([...described].filter((r) => !served.has(r)), 'routes the document describes that do not exist').toEqual([]);
    const ids = operations().map((o) => o.op.operationId);
    expect(new Set(ids).size, 'operation ids are unique').toBe(ids.length);
    for (const { op } of operations()) expect(op.summary, op.operationId).toMatch(/^[A-Z].*[^.]$/);
  });

  it('every body is an object of named fields: a field the document does not name is refused with 400, naming it', async () => {
    const withBody = operations().filter((o) => o.op.requestBody);
    expect(withBody.length).toBeGreaterThan(40);
    const maps: string[] = [];
    for (const { path, method, op } of withBody) {
      const schema = op.requestBody!.content['application/json'].schema;
      expect(schema.type, `${method} ${path}`).toBe('object');
      // A map (variables by name) says so: its every field is one the route takes.
      if (typeof schema.additionalProperties === 'object') {
        maps.push(`${method} ${path}`);
        continue;
      }
      expect(schema.additionalProperties, `${method} ${path}`).toBe(false);
      // A field the document names is one the door takes: the same schema checks it.
      const res = await call('owner', method.toUpperCase(), concrete(path), { notAFieldOfThisRequest: 1 });
      expect(res.status, `${method} ${path}: ${JSON.stringify(res.json)}`).toBe(400);
      expect(res.json.error, `${method} ${path}`).toContain('notAFieldOfThisRequest: is not a field of this request');
    }
    expect(maps).toEqual(['put /projects/{project}/shared-variables', 'put /projects/{project}/services/{service}/variables']);
  });

  it('a body of the wrong shape is refused at the door with 400, saying which field', async () => {
    const res = await call('owner', 'POST', '/projects', { name: 42 });
    expect(res.status).toBe(400);
    expect(res.json.error).toBe('name: must be a string');
    const missing = await call('owner', 'POST', '/projects', {});
    expect(missing).toEqual({ status: 400, json: { error: 'name: is required' } });
    const notObject = await call('owner', 'POST', '/projects', [1]);
    expect(notObject).toEqual({ status: 400, json: { error: 'body: must be a JSON object' } });
  });
});

describe('the door', () => {
  it('names at most a few unknown fields, each cut short, so a body of many keys gets a short answer', async () => {
    const body = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}${'x'.repeat(100)}`, 0]));
    const res = await call('owner', 'POST', '/projects', { name: 'zz', ...body });
    expect(res.status).toBe(400);
    expect(res.json.error.length).toBeLessThan(1000);
    expect(res.json.error).toContain('and 2995 more fields that are not of this request');
  });

  it('names a __proto__ field like any other, and an unknown field inside an object by its path', async () => {
    const proto = (await (await app.request('/api/v1/projects', { method: 'POST', headers: { Authorization: `Bearer ${tokens.owner}`, 'Content-Type': 'application/json' }, body: '{"name":"zz","__proto__":{"x":1}}' })).json()) as { error: string };
    expect(proto.error).toContain('__proto__: is not a field of this request');
    const nested = await call('owner', 'PATCH', '/settings', { registry: { address: 'r.example.com', username: 'u', pasword: 'hunter2' } });
    expect(nested.status).toBe(400);
    expect(nested.json.error).toContain('registry.pasword: is not a field of this request');
    expect(nested.json.error).not.toContain('hunter2');
  });
});

describe('the route files', () => {
  // Input reaches a route only through the door, so what the document says is all a route reads.
  it('read their path, query and body only from the door', () => {
    const dir = join(__dirname);
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'door.ts')) {
      const text = readFileSync(join(dir, file), 'utf8');
      expect(text, file).not.toMatch(/c\.req\.(param|query|queries|json|text|parseBody|formData|arrayBuffer)\(/);
      expect(text, file).not.toMatch(/\bjsonBody\(/);
    }
  });
});
