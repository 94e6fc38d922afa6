// What the API's door declares each route answers (the OpenAPI document is written from these), and
// how a real answer differs from it: shared by the role matrix and the CLI's --json test.
import type { Deps } from '../src/deps.js';
import { apiRoutes } from '../src/http/api/index.js';
import { RequestedAnswer } from '../src/http/api/schemas.js';
import type { DeclaredRoute } from '../src/http/api/door.js';

/** Each route as the door declared it, by "METHOD /path/:param". */
export const DECLARED = new Map(apiRoutes({ config: { publicUrl: 'http://spur.test' } } as Deps).declared.map((r) => [`${r.method.toUpperCase()} ${r.path}`, r]));

const pattern = (path: string) => new RegExp(`^${path.replace(/:[a-zA-Z]+/g, '[^/]+')}$`);
const PATTERNS = [...DECLARED.entries()].map(([key, r]) => ({ key, r, re: pattern(r.path), params: (r.path.match(/:/g) ?? []).length }));

/** The declared route a request went to (a path of /api/v1, without it and its query): the one with the fewest parameters, as the router prefers literal segments. */
export function routeOf(method: string, path: string): { key: string; route: DeclaredRoute } | undefined {
  const found = PATTERNS.filter((p) => p.key.startsWith(`${method.toUpperCase()} `) && p.re.test(path)).sort((a, b) => a.params - b.params)[0];
  return found && { key: found.key, route: found.r };
}

/** How a successful answer differs from what the document says the route answers (errors are described by one shape). */
export function answerProblems(route: string, res: { status: number; text: string }): string[] {
  if (res.status >= 400) return [];
  const declared = DECLARED.get(route);
  if (!declared) return ['not declared at the door'];
  const answer = declared.answers.find((a) => a.status === res.status) ?? (res.status === 202 ? { status: 202, schema: RequestedAnswer, type: 'json' as const } : undefined);
  if (!answer) return [`answered ${res.status}, which the document does not list`];
  if (!answer.schema || (answer.type ?? 'json') !== 'json' || !res.text) return [];
  const parsed = answer.schema.safeParse(JSON.parse(res.text));
  return parsed.success ? [] : [`the ${res.status} answer is not as described: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`];
}
