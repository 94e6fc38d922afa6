// The use cases the routes reach as `ops.…`, one file per resource. Databases,
// servers, Spur's settings, shared variables, a service's source and its variables as text are
// imported from their own files. Files of this folder import each other directly; only the page
// read model (page-data.ts) reads through this one, as the routes do.
export * from './common.js';
export * from './projects.js';
export * from './services.js';
export * from './service-settings.js';
export * from './variables.js';
export * from './domains.js';
export * from './volumes.js';
export * from './volume-backups.js';
export * from './deployments.js';
export * from './run.js';
export * from './cron-jobs.js';
export * from './previews.js';
export * from './console.js';
export * from './keys.js';
export * from './members.js';
export * from './updates.js';
export * from './invitations.js';
export * from './metrics.js';
