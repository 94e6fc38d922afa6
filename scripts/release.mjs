// `npm run release [-- --out DIR]`: builds the bundle, then the single executable dist/spur-linux-x64 (Node SEA)
// with every shipped file embedded, its dist/spur-linux-x64.sha256, and dist/release.json (the
// release feed entry: version, commit, checksum) for publishing beside it.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { SHIPPED_BINARIES } from './shipped-binaries.mjs';

const NAME = 'spur-linux-x64';
const outAt = process.argv.indexOf('--out');
const dist = outAt >= 0 && process.argv[outAt + 1] ? process.argv[outAt + 1] : 'dist';
if (process.platform !== 'linux' || process.arch !== 'x64') throw new Error(`releases are built on linux-x64 (this is ${process.platform}-${process.arch})`);

execFileSync(process.execPath, ['scripts/build.mjs', '--out', dist], { stdio: 'inherit' });

const work = join(dist, 'sea');
mkdirSync(work, { recursive: true });
// The binaries Spur writes out are embedded gzipped: on the first start they are read once, and
// every page of the executable read stays in Spur's resident memory (src/executable.ts).
const assets = {};
for (const name of SHIPPED_BINARIES) {
  assets[`${name}.gz`] = join(work, `${name}.gz`);
  writeFileSync(assets[`${name}.gz`], gzipSync(readFileSync(join(dist, name)), { level: 9 }));
}
for (const file of filesUnder(join(dist, 'public'))) assets[relative(dist, file)] = file;
for (const file of readdirSync(dist).filter((f) => f.endsWith('.cjs') && f !== 'spur.cjs')) assets[file] = join(dist, file);
const config = { main: join(dist, 'spur.cjs'), output: join(work, 'spur.blob'), disableExperimentalSEAWarning: true, assets };
writeFileSync(join(work, 'sea-config.json'), JSON.stringify(config, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', join(work, 'sea-config.json')], { stdio: ['ignore', 'ignore', 'inherit'] });

const exe = join(dist, NAME);
rmSync(exe, { force: true });
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
execFileSync(process.execPath, [join('node_modules', 'postject', 'dist', 'cli.js'), exe, 'NODE_SEA_BLOB', config.output, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2'], { stdio: ['ignore', 'ignore', 'inherit'] });
rmSync(work, { recursive: true, force: true });

const sha256 = createHash('sha256').update(readFileSync(exe)).digest('hex');
writeFileSync(`${exe}.sha256`, `${sha256}  ${NAME}\n`);
const [version, commit] = execFileSync(exe, ['--version'], { encoding: 'utf8' }).trim().replace(/^spur /, '').split(' ');
writeFileSync(join(dist, 'release.json'), JSON.stringify({ version, commit: commit.replace(/[()]/g, ''), sha256 }, null, 2) + '\n');
console.log(`${exe}: spur ${version}, ${(readFileSync(exe).length / 1048576).toFixed(1)} MB, sha256 ${sha256}`);

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(join(dir, e.name)) : [join(dir, e.name)]));
}
