// Every route of the JSON API stands at this one door: it is declared once, with the schemas of
// its query and body, and those same schemas both check each request and write the OpenAPI
// document (openapi.ts). A route reads its input only from what the door hands it.
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { InvalidFields } from '../../errors.js';
import type { AuthEnv } from '../auth.js';

export type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a route answers on success: JSON (with a schema when the shape is known), a stream, a file. */
export type Answer = { status: number; description: string; schema?: z.ZodType; type?: 'json' | 'sse' | 'jsonl' | 'octet' | 'none' };

export interface RouteSpec<Q extends z.ZodObject = z.ZodObject, B extends z.ZodObject = z.ZodObject> {
  /** One line, as the reference page lists it. */
  summary: string;
  /** Anything a caller should know that the schemas do not say. */
  description?: string;
  /** Group on the reference page; by default the route file's. */
  tag?: string;
  query?: Q;
  body?: B;
  /** The body may be left out (read as {}). */
  bodyOptional?: boolean;
  answers: Answer[];
  /** A route anyone may call, without a token. */
  public?: boolean;
}

export interface DeclaredRoute extends RouteSpec {
  method: Method;
  /** In Hono's form, /projects/:project. */
  path: string;
  tag: string;
}

/** The names of a path's parameters: /projects/:project/services/:service → 'project' | 'service'. */
type ParamNames<P extends string> = P extends `${string}:${infer N}/${infer Rest}` ? N | ParamNames<`/${Rest}`> : P extends `${string}:${infer N}` ? N : never;
type Input<P extends string, Q extends z.ZodObject, B extends z.ZodObject> = { params: Record<ParamNames<P>, string>; query: z.output<Q>; body: z.output<B> };
type Handler<P extends string, Q extends z.ZodObject, B extends z.ZodObject> = (c: Context<AuthEnv>, input: Input<P, Q, B>) => Response | Promise<Response>;

const NO_QUERY = z.object({});
const NO_BODY = z.strictObject({});

/** The API's routes of one area (a tag), declared at the door. */
export class ApiRoutes {
  readonly declared: DeclaredRoute[] = [];

  constructor(private readonly app: Hono<AuthEnv>) {}

  area(tag: string) {
    const add =
      (method: Method) =>
      <P extends string, Q extends z.ZodObject = typeof NO_QUERY, B extends z.ZodObject = typeof NO_BODY>(path: P, spec: RouteSpec<Q, B>, handler: Handler<P, Q, B>) =>
        this.add(method, path, { tag, ...spec }, handler);
    return { get: add('get'), post: add('post'), put: add('put'), patch: add('patch'), delete: add('delete') };
  }

  private add<P extends string, Q extends z.ZodObject, B extends z.ZodObject>(method: Method, path: P, spec: RouteSpec<Q, B> & { tag: string }, handler: Handler<P, Q, B>): void {
    this.declared.push({ method, path, ...(spec as RouteSpec), tag: spec.tag });
    this.app[method](path, async (c) => {
      const query = parse(spec.query ?? NO_QUERY, c.req.query(), 'query') as z.output<Q>;
      const body = spec.body ? (parse(spec.body, await readBody(c, spec.bodyOptional), 'body') as z.output<B>) : ({} as z.output<B>);
      return handler(c, { params: c.req.param() as unknown as Record<ParamNames<P>, string>, query, body });
    });
  }
}

async function readBody(c: Context, optional = false): Promise<unknown> {
  const text = await c.req.text();
  if (optional && text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidFields({ body: 'body: must be a JSON object' });
  }
}

/** Checks input against its schema; every problem is named by its field, as the actions name theirs. */
export function parse(schema: z.ZodType, input: unknown, where: 'query' | 'body'): unknown {
  if (where === 'body' && (typeof input !== 'object' || input === null || Array.isArray(input))) throw new InvalidFields({ body: 'body: must be a JSON object' });
  const result = schema.safeParse(input, { reportInput: true });
  if (result.success) return result.data;
  // Keyed by what the caller sent, __proto__ included: a plain object would swallow that one.
  const fields: Record<string, string> = Object.create(null);
  const unknown = result.error.issues.flatMap((issue) => (issue.code === 'unrecognized_keys' ? issue.keys.map((key) => [...issue.path.map(String), key].join('.')) : []));
  const kind = where === 'body' ? 'field' : 'parameter';
  // A few are named, each cut short: the answer to a body of many keys stays short.
  for (const name of unknown.slice(0, UNKNOWN_NAMED)) fields[shorten(name)] = `${shorten(name)}: is not a ${kind} of this request (the API's reference is at /api/v1/openapi.json)`;
  if (unknown.length > UNKNOWN_NAMED) fields['…'] = `and ${unknown.length - UNKNOWN_NAMED} more ${kind}s that are not of this request`;
  for (const issue of result.error.issues) {
    if (issue.code === 'unrecognized_keys') continue;
    const name = shorten(issue.path.map(String).join('.') || where);
    fields[name] ??= `${name}: ${describeIssue(issue)}`;
  }
  throw new InvalidFields(fields);
}

const UNKNOWN_NAMED = 5;
const shorten = (name: string) => (name.length > 60 ? `${name.slice(0, 59)}…` : name);

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type') return issue.input === undefined ? 'is required' : `must be ${article(issue.expected)}`;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map(String).join(', ')}`;
  if (issue.code === 'too_big') return issue.origin === 'string' ? `must be at most ${issue.maximum} characters` : `must be at most ${issue.maximum}`;
  if (issue.code === 'too_small') return issue.origin === 'string' ? `must be at least ${issue.minimum} characters` : `must be at least ${issue.minimum}`;
  if (issue.code === 'invalid_union') return 'is not of a type this field takes (see the API reference)';
  return issue.message;
}

const article = (type: string) => (type === 'object' || type === 'array' ? `an ${type}` : type === 'int' || type === 'number' ? 'a number' : type === 'boolean' ? 'true or false' : `a ${type}`);
