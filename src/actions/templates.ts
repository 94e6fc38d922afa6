// One-click apps: the catalogue (src/templates) to read and search, and deploying one into a
// project as an ordinary Compose app, its secrets generated here and sealed like every variable.
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import { planCompose } from '../compose/plan.js';
import { generatedDomain } from '../docker/names.js';
import { Conflict, InvalidInput, NotFound } from '../errors.js';
import { findComposeApp } from '../store/compose.js';
import { freeDomainLabel } from '../store/domains.js';
import { DEFAULT_ENVIRONMENT, getEnvironment } from '../store/projects.js';
import { findServiceByName } from '../store/services.js';
import { type Template, findTemplate, searchTemplates, templateDotenv } from '../templates/index.js';
import * as validate from '../validate.js';
import { listProjectsFor, openProject, roleFor, mayDo } from './access.js';
import type { Actor, Body } from './common.js';
import { saveComposeApp } from './compose.js';

export interface TemplateView {
  id: string;
  name: string;
  description: string;
  category: string;
  website: string;
  logo: { letters: string; color: string };
  /** The services it makes, the one that gets the domain first. */
  services: { name: string; image: string; port: number | null; volumes: string[] }[];
  domainService: string;
  /** The variables Spur generates (their names; the values are made at deploy). */
  secrets: string[];
  settings: { name: string; description: string; default: string | null }[];
  compose: string;
}

export function toTemplateView(t: Template): TemplateView {
  const { plan } = planCompose({ text: t.compose, dotenv: Object.keys({ ...t.secrets, ...t.settings }).map((k) => `${k}=x`).join('\n') });
  const services = (plan?.services ?? []).map((s) => ({ name: s.name, image: 'image' in s.source ? s.source.image : '', port: s.port, volumes: s.volumes.map((v) => `${v.name}:${v.mountPath}`) }));
  services.sort((a, b) => Number(b.name === t.domainService) - Number(a.name === t.domainService));
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    category: t.category,
    website: t.website,
    logo: t.logo,
    services,
    domainService: t.domainService,
    secrets: Object.keys(t.secrets),
    settings: Object.entries(t.settings ?? {}).map(([name, s]) => ({ name, description: s.description, default: s.default ?? null })),
    compose: t.compose,
  };
}

// The catalogue is fixed at build time: each view is planned once, not on every request.
const views = new Map<string, TemplateView>();
const viewOf = (t: Template): TemplateView => views.get(t.id) ?? (views.set(t.id, toTemplateView(t)), views.get(t.id)!);

export const listTemplates = (query?: unknown): TemplateView[] => searchTemplates(typeof query === 'string' ? query.slice(0, 100) : '').map(viewOf);

/** A deploy form's settings: its `setting_NAME` fields. */
export const settingsFromForm = (body: Body): Record<string, string> =>
  Object.fromEntries(Object.entries(body).filter(([k]) => k.startsWith('setting_')).map(([k, v]) => [k.slice('setting_'.length), String(v)]));

export function showTemplate(id: string): TemplateView {
  const t = findTemplate(id);
  if (!t) throw new NotFound(`no template named ${id}; see spur templates list`);
  return viewOf(t);
}

/** Deploys a template into a project as the Compose app `name` (the template's id unless given):
 *  its secrets generated now, its settings as given (or their defaults), its address the
 *  generated domain of the service that gets it. An app of that name already there is refused:
 *  its secrets would change under its data. */
export async function deployTemplate(deps: Deps, user: Actor, projectName: string, templateId: string, body: Body) {
  const t = findTemplate(templateId);
  if (!t) throw new NotFound(`no template named ${templateId}; see spur templates list`);
  const { name, given, environmentName } = validate.fields({
    name: () => (body.name === undefined || body.name === '' ? t.id : validate.resourceName('compose', body.name)),
    given: () => settingsOf(body.settings),
    environmentName: () => (body.environment === undefined || body.environment === '' ? DEFAULT_ENVIRONMENT : validate.resourceName('environment', body.environment)),
  });
  // The door that decides: a template that keeps data on volumes is an admin's to deploy.
  const keepsVolumes = viewOf(t).services.some((s) => s.volumes.length > 0);
  const { project } = await openProject(deps.db, user, projectName, keepsVolumes ? 'volumes.change' : 'service.create');
  if (await findComposeApp(deps.db, project.id, name)) throw new Conflict(`${project.name} already has an app named ${name}: change it from its page, or deploy the template under another --name`);
  const environment = await getEnvironment(deps.db, project, environmentName);
  const existing = await findServiceByName(deps.db, project.id, t.domainService);
  if (existing) throw new Conflict(`${project.name} already has a service named ${t.domainService}; deploy ${t.name} into another project`);
  const label = await freeDomainLabel(deps.db, { project: project.name, service: t.domainService, environment: environment.name });
  const url = `http://${generatedDomain(label, deps.config.baseDomain)}`;
  const { dotenv, missing, unknown } = templateDotenv(t, { given, publicUrl: url, random: (n) => randomBytes(n) });
  if (unknown.length) throw new InvalidInput('settings', `${t.name} has no setting ${unknown.join(', ')}; it has ${Object.keys(t.settings ?? {}).join(', ') || 'none'}`);
  if (missing.length) throw new InvalidInput('settings', `${t.name} needs ${missing.join(', ')}`);
  const saved = await saveComposeApp(deps, user, projectName, name, { file: t.compose, env: dotenv, environment: environment.name, deploy: body.deploy === undefined ? true : body.deploy, trigger: `template ${t.id}` });
  return { ...saved, project: project.name, environment: environment.name, template: t.id, url };
}

function settingsOf(value: unknown): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidInput('settings', 'give the settings as { "NAME": "value" }');
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) {
    validate.variableKey(k);
    if (typeof v !== 'string') throw new InvalidInput('settings', `${k}: a setting's value is a string`);
    if (/[\0-\x1f\x7f]/.test(v)) throw new InvalidInput('settings', `${k}: one line, without control characters`);
    out[k] = validate.variableValue(v);
  }
  return out;
}

/** The projects the user may deploy `template` into (its door: volumes.change when it keeps data on volumes). */
export async function projectsToDeployInto(deps: Deps, user: Actor, template: TemplateView): Promise<string[]> {
  const action = template.services.some((s) => s.volumes.length > 0) ? 'volumes.change' : 'service.create';
  const out: string[] = [];
  for (const p of await listProjectsFor(deps.db, user)) if (mayDo({ role: await roleFor(deps.db, user, p.id) }, action)) out.push(p.name);
  return out;
}
