// A one-click app: one descriptor per app in catalog/, behind this interface. A template is a
// Compose file (pinned image versions, named volumes, a health check on the service that gets the
// domain) with the variables it needs: secrets Spur generates, and settings the user may give.
// Deploying one saves it as an ordinary Compose app (actions/templates.ts). Pure.

export interface TemplateSecret {
  /** Characters of the generated value (letters and digits; hex when `hex`). */
  length: number;
  hex?: boolean;
}

export interface TemplateSetting {
  description: string;
  /** Used when the user gives none; a setting without one must be given. */
  default?: string;
}

export interface Template {
  /** The catalogue's name for it, also the Compose app's name by default: a Spur name. */
  id: string;
  name: string;
  /** One sentence: what it is for. */
  description: string;
  category: 'analytics' | 'automation' | 'business' | 'cms' | 'communication' | 'developer' | 'documents' | 'identity' | 'monitoring' | 'media' | 'security' | 'storage' | 'backend';
  website: string;
  /** Its logo as a badge: a few letters on its colour. */
  logo: { letters: string; color: string };
  /** The Compose file. `${SPUR_PUBLIC_URL}` is the address of `domainService`. */
  compose: string;
  /** The service whose generated domain is the app's address. */
  domainService: string;
  /** Variables Spur generates once, at deploy: passwords, keys. */
  secrets: Record<string, TemplateSecret>;
  /** Variables the user may (or must) give. */
  settings?: Record<string, TemplateSetting>;
}

/** The variables every template may use: the address of `domainService`, and its host name. */
export const PUBLIC_URL = 'SPUR_PUBLIC_URL';
export const PUBLIC_HOST = 'SPUR_PUBLIC_HOST';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** A secret's value from random bytes (`random(n)` gives n of them): unbiased over its alphabet. */
export function secretValue(spec: TemplateSecret, random: (n: number) => Uint8Array): string {
  const alphabet = spec.hex ? '0123456789abcdef' : ALPHABET;
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < spec.length) {
    for (const byte of random(spec.length * 2)) {
      if (byte < limit && out.length < spec.length) out += alphabet[byte % alphabet.length];
    }
  }
  return out;
}

/** The .env a template is saved with: its generated secrets, its settings (given, else their
 *  defaults) and the app's address. A setting with no value and no default is refused by name. */
export function templateDotenv(t: Template, input: { given: Record<string, string>; publicUrl: string; random: (n: number) => Uint8Array }): { dotenv: string; missing: string[]; unknown: string[] } {
  const settings = t.settings ?? {};
  const unknown = Object.keys(input.given).filter((k) => !(k in settings));
  const missing = Object.entries(settings).filter(([k, s]) => input.given[k] === undefined && s.default === undefined).map(([k]) => k);
  const values: Record<string, string> = { [PUBLIC_URL]: input.publicUrl, [PUBLIC_HOST]: new URL(input.publicUrl).host };
  for (const [k, s] of Object.entries(settings)) values[k] = input.given[k] ?? s.default ?? '';
  for (const [k, spec] of Object.entries(t.secrets)) values[k] = secretValue(spec, input.random);
  // Double-quoted, `$` doubled: a value is never read as a reference to another.
  const dotenv = Object.entries(values).map(([k, v]) => `${k}=${JSON.stringify(v.replaceAll('$', '$$$$'))}`).join('\n') + '\n';
  return { dotenv, missing, unknown };
}

/** Whether a template's words match a search: every word of it in its id, name, description or category. */
export function matchesSearch(t: Template, query: string): boolean {
  const hay = `${t.id} ${t.name} ${t.description} ${t.category}`.toLowerCase();
  return query.toLowerCase().split(/\s+/).filter(Boolean).every((w) => hay.includes(w));
}
