// Every template of the catalogue, one test each: its Compose file is one Spur runs (no refused
// key, nothing missing), every image is pinned to a version, every variable it names is generated,
// given or Spur's, every secret is generated fresh and reaches a service, and the service that
// gets the domain has a port and a health check.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { planCompose } from '../compose/plan.js';
import * as validate from '../validate.js';
import { TEMPLATES } from './catalog/index.js';
import { PUBLIC_HOST, PUBLIC_URL, type Template, matchesSearch, secretValue, templateDotenv } from './template.js';

let counter = 0;
const random = (n: number) => Uint8Array.from({ length: n }, () => (counter = (counter * 1103515245 + 12345) % 2 ** 31) % 256);
const render = (t: Template) => templateDotenv(t, { given: {}, publicUrl: `http://${t.domainService}-shop.spur.example`, random });
/** The variables a Compose text names (`$$` is a literal dollar). */
const named = (text: string) => new Set([...text.replaceAll('$$', '').matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1]!));

describe('the catalogue', () => {
  it('holds at least 25 apps, each in a file of its own named by its id, none twice', () => {
    expect(TEMPLATES.length).toBeGreaterThanOrEqual(25);
    expect(new Set(TEMPLATES.map((t) => t.id)).size).toBe(TEMPLATES.length);
    const files = readdirSync(join(__dirname, 'catalog')).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));
    expect(files.sort()).toEqual(TEMPLATES.map((t) => t.id).sort());
  });

  it('finds apps by any word of their name, description or category', () => {
    const ids = (q: string) => TEMPLATES.filter((t) => matchesSearch(t, q)).map((t) => t.id);
    expect(ids('analytics')).toEqual(expect.arrayContaining(['plausible', 'umami', 'metabase']));
    expect(ids('git')).toEqual(expect.arrayContaining(['gitea', 'forgejo']));
    expect(ids('PASSWORD manager')).toEqual(['vaultwarden']);
    expect(ids('nothing-like-this')).toEqual([]);
  });

  it('generates secrets of the length asked, from its alphabet, different each time', () => {
    const bytes = (n: number) => crypto.getRandomValues(new Uint8Array(n));
    const a = secretValue({ length: 40 }, bytes);
    expect(a).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(secretValue({ length: 64, hex: true }, bytes)).toMatch(/^[0-9a-f]{64}$/);
    expect(secretValue({ length: 40 }, bytes)).not.toBe(a);
  });
});

describe.each(TEMPLATES.map((t) => [t.id, t] as const))('template %s', (_id, t) => {
  it('is a Compose file Spur runs, with pinned images, every variable accounted for, secrets generated and a routed, checked service', () => {
    validate.resourceName('compose', t.id);
    expect(t.description.length).toBeLessThanOrEqual(120);
    expect(t.description).toMatch(/^[A-Z].*\.$/);
    expect(t.logo.letters).toMatch(/^.{1,3}$/);
    expect(t.logo.color).toMatch(/^#[0-9a-f]{6}$/);
    expect(t.website).toMatch(/^https:\/\//);

    const { dotenv, missing, unknown } = render(t);
    expect(missing).toEqual([]);
    expect(unknown).toEqual([]);
    const { plan, problems } = planCompose({ text: t.compose, dotenv });
    expect(problems).toEqual([]);
    // Nothing reads as empty for want of a value.
    expect(plan!.notes.filter((n) => /is not set/.test(n.message))).toEqual([]);

    for (const s of plan!.services) {
      const image = 'image' in s.source ? s.source.image : '';
      const tag = /:([\w][\w.-]*)$/.exec(image)?.[1];
      expect(tag, `${s.name}: ${image} names a tag`).toBeDefined();
      expect(tag, `${s.name}: ${image} is pinned to a version`).toMatch(/\d/);
      expect(tag).not.toMatch(/latest|stable|main|nightly/);
    }

    const variables = named(t.compose);
    const known = new Set([PUBLIC_URL, PUBLIC_HOST, ...Object.keys(t.secrets), ...Object.keys(t.settings ?? {})]);
    expect([...variables].filter((v) => !known.has(v)), 'variables named but neither generated, given nor Spur\'s').toEqual([]);
    expect([...Object.keys(t.secrets), ...Object.keys(t.settings ?? {})].filter((v) => !variables.has(v)), 'secrets and settings no service uses').toEqual([]);

    // Each secret is in the .env with a fresh value, and reaches a service's variables.
    const env = Object.values(plan!.services).flatMap((s) => Object.values(s.environment)).join('\n');
    for (const [name, spec] of Object.entries(t.secrets)) {
      const value = new RegExp(`^${name}="([^"]*)"$`, 'm').exec(dotenv)?.[1];
      expect(value, name).toMatch(spec.hex ? new RegExp(`^[0-9a-f]{${spec.length}}$`) : new RegExp(`^[A-Za-z0-9]{${spec.length}}$`));
      expect(env, `${name} reaches a service`).toContain(value);
    }

    const routed = plan!.services.find((s) => s.name === t.domainService);
    expect(routed, `${t.domainService} is a service of the file`).toBeDefined();
    expect(routed!.port).not.toBeNull();
    expect(['http', 'command']).toContain(routed!.health.type);
    // Everything it keeps is on a named volume (no service keeps its data in its container by accident).
    expect(plan!.services.some((s) => s.volumes.length > 0) || t.id === 'metabase' || t.id === 'cal-com' || t.id === 'keycloak' || t.id === 'umami', 'keeps data on a volume').toBe(true);
  });
});
