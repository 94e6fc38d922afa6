// Spur's version and the commit it was built from, put in by the bundler; "dev" when run from the sources.
declare const __SPUR_VERSION__: string | undefined;
declare const __SPUR_COMMIT__: string | undefined;

export const VERSION: string = typeof __SPUR_VERSION__ === 'string' ? __SPUR_VERSION__ : 'dev';
export const COMMIT: string = typeof __SPUR_COMMIT__ === 'string' ? __SPUR_COMMIT__ : 'unknown';
