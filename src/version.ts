// Spur's version: package.json's, put in by the bundler; "dev" when run from the sources.
declare const __SPUR_VERSION__: string | undefined;

export const VERSION: string = typeof __SPUR_VERSION__ === 'string' ? __SPUR_VERSION__ : 'dev';
