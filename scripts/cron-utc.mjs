// node-cron reads the clock through Intl.DateTimeFormat for every time zone, UTC included, which
// maps megabytes of ICU data into a process that otherwise never touches it. Spur schedules its
// jobs in UTC (src/jobs/schedule.ts), so in the bundle node-cron reads UTC with Date's UTC getters;
// any other zone still goes through Intl. The build fails if node-cron's code changed shape.
import { readFileSync } from 'node:fs';

const PATCHES = [
  ['function buildDateParts(date, timezone) {', "function buildDateParts(date, timezone) {\n    if (timezone === 'UTC') return spurUtcDateParts(date);"],
  ['function getTimezoneGMT(date, timezone) {', "function getTimezoneGMT(date, timezone) {\n    if (timezone === 'UTC') return 'Z';"],
];

const HELPERS = `
const SPUR_WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
function spurUtcDateParts(date) {
    return { day: date.getUTCDate(), month: date.getUTCMonth() + 1, year: date.getUTCFullYear(), hour: date.getUTCHours(), minute: date.getUTCMinutes(), second: date.getUTCSeconds(), millisecond: date.getUTCMilliseconds(), weekday: SPUR_WEEKDAYS[date.getUTCDay()], gmt: 'Z' };
}
`;

/** node-cron's shared module (dist/_shared.js or .cjs) with UTC read without Intl. */
export function patchNodeCronForUtc(source, file = 'node-cron') {
  let patched = source;
  for (const [from, to] of PATCHES) {
    if (!patched.includes(from)) throw new Error(`node-cron changed: "${from}" is not in ${file}; review scripts/cron-utc.mjs`);
    patched = patched.replace(from, to);
  }
  return patched + HELPERS;
}

/** The esbuild plugin that applies it. */
export function cronInUtcWithoutIntl() {
  return {
    name: 'cron-in-utc-without-intl',
    setup(b) {
      b.onLoad({ filter: /node-cron[\\/]dist[\\/]_shared\.c?js$/ }, (args) => ({ contents: patchNodeCronForUtc(readFileSync(args.path, 'utf8'), args.path), loader: 'js' }));
    },
  };
}
