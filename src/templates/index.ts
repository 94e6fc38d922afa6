// The template registry: find one by id, list (or search) the catalogue.
import { TEMPLATES } from './catalog/index.js';
import { type Template, matchesSearch } from './template.js';

export type { Template } from './template.js';
export { PUBLIC_HOST, PUBLIC_URL, templateDotenv } from './template.js';

export const findTemplate = (id: string): Template | undefined => TEMPLATES.find((t) => t.id === id);

/** The catalogue by name; with a query, the apps every word of it matches. */
export const searchTemplates = (query = ''): Template[] => TEMPLATES.filter((t) => matchesSearch(t, query)).sort((a, b) => a.name.localeCompare(b.name));
