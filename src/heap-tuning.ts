// Imported first by the entry point, before any other module allocates: V8 would otherwise grow
// its young generation to 32 MB during a burst of work (twenty rollouts at once) and keep it,
// most of it idle memory. Kept at its initial 2 MB, collections are more frequent and cheap.
// (A single executable takes no command-line V8 options; this flag is read when the space grows.)
import { setFlagsFromString } from 'node:v8';

setFlagsFromString('--semi-space-growth-factor=1');
