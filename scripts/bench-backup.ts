// npm run bench:backup — a Postgres database of BENCH_BACKUP_MB (1024 by default) backed up and
// restored by Spur (POST …/backups, POST …/restore), beside pg_dump and pg_restore run by hand in
// the same container; and Spur's peak resident memory during each, beside a small database's
// (BENCH_BACKUP_SMALL_MB, 64), to show it does not grow with the database: the dump is streamed.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { api, cleanupProject, loginCli, removeDir, startSpur } from '../test/harness.js';

const LARGE_MB = Number(process.env.BENCH_BACKUP_MB ?? 1024);
const SMALL_MB = Number(process.env.BENCH_BACKUP_SMALL_MB ?? 64);
const project = 'benchbackup';
const sh = (cmd: string, args: string[]) => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 * 1024 * 1024 }).trim();
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const mb = (kb: number) => (kb / 1024).toFixed(1);

/** Resident memory of a process, sampled every 50 ms while `work` runs: the highest seen. */
async function peakRss<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; ms: number; peakKb: number }> {
  const rss = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  let peakKb = rss();
  const sampler = setInterval(() => (peakKb = Math.max(peakKb, rss())), 50);
  const started = Date.now();
  try {
    const result = await work();
    return { result, ms: Date.now() - started, peakKb: Math.max(peakKb, rss()) };
  } finally {
    clearInterval(sampler);
  }
}

async function main() {
  sh('bash', ['scripts/test-env.sh']);
  await cleanupProject(project);
  const spur = await startSpur();
  const pid = Number(readFileSync(join(spur.dataDir, 'run', 'spur.pid'), 'utf8'));
  const call = api(spur, await loginCli(spur));
  const path = (db: string) => `/projects/${project}/databases/${db}`;
  await call('POST', '/projects', { name: project });

  const prepare = async (db: string, sizeMb: number) => {
    const created = await call('POST', `/projects/${project}/databases`, { name: db, engine: 'postgres', schedule: 'none' });
    if (created.status !== 201) throw new Error(JSON.stringify(created.json));
    let container = '';
    for (let i = 0; i < 180 && !container; i++) {
      container = sh('docker', ['ps', '-q', '--filter', `label=com.docker.swarm.service.name=spur_${project}_${db}_production`, '--filter', 'health=healthy']);
      if (!container) await new Promise((r) => setTimeout(r, 1000));
    }
    const { variables } = (await call('GET', `${path(db)}/credentials`)).json;
    const psql = (...args: string[]) => sh('docker', ['exec', container, 'env', `PGPASSWORD=${variables.PGPASSWORD}`, ...args, '-h', '127.0.0.1', '-U', variables.PGUSER, '-d', variables.PGDATABASE]);
    // Rows of hex digests, none repeating another (a dump compresses them to about half): about
    // 250 bytes each on disk.
    const rows = Math.round((sizeMb * 1024 * 1024) / 250);
    console.log(`${db}: writing ${rows} rows (about ${sizeMb} MB)`);
    const payload = ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => `md5(g::text || '${x}')`).join(' || ');
    psql('psql', '-q', '-v', 'ON_ERROR_STOP=1', '-c', `CREATE TABLE big AS SELECT g AS id, ${payload} AS payload FROM generate_series(1, ${rows}) AS g`);
    const bytes = Number(psql('psql', '-At', '-c', 'SELECT pg_database_size(current_database())'));
    return { container, psql, bytes };
  };

  const measure = async (db: string, sizeMb: number) => {
    const { container, psql, bytes } = await prepare(db, sizeMb);
    const backup = await peakRss(pid, () => call('POST', `${path(db)}/backups`));
    if (backup.result.status !== 201) throw new Error(JSON.stringify(backup.result.json));
    const id = backup.result.json.backup.id as number;
    // Its verification (a throwaway server restoring it) runs in the background: let it end first.
    for (;;) {
      const b = (await call('GET', `${path(db)}/backups`)).json.backups.find((x: { id: number }) => x.id === id);
      if (b.verified !== null) break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    const restore = await peakRss(pid, () => call('POST', `${path(db)}/restore`, { backup: id, confirm: db }));
    if (restore.result.status !== 200) throw new Error(JSON.stringify(restore.result.json));
    // By hand, in the same container: the same dump to a file there, and the same restore from it.
    const t0 = Date.now();
    psql('pg_dump', '-Fc', '-f', '/tmp/bench.dump');
    const dumpMs = Date.now() - t0;
    const t1 = Date.now();
    psql('pg_restore', '--clean', '--if-exists', '--no-owner', '/tmp/bench.dump');
    const restoreMs = Date.now() - t1;
    sh('docker', ['exec', container, 'rm', '-f', '/tmp/bench.dump']);
    return { bytes, dumpBytes: backup.result.json.backup.size as number, spurDump: backup, spurRestore: restore, dumpMs, restoreMs };
  };

  try {
    const idleKb = Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    const small = await measure('small', SMALL_MB);
    const large = await measure('large', LARGE_MB);
    console.log(`\nPostgres backup and restore, ${new Date().toISOString().slice(0, 10)} (Spur's RSS idle before: ${mb(idleKb)} MB)\n`);
    console.log('| database | dump size | Spur backup | pg_dump by hand | ratio | Spur restore | pg_restore by hand | ratio | Spur peak RSS, backup | Spur peak RSS, restore |');
    console.log('|---|---|---|---|---|---|---|---|---|---|');
    for (const [name, r] of [[`${SMALL_MB} MB asked`, small], [`${LARGE_MB} MB asked`, large]] as const) {
      console.log(`| ${(r.bytes / 1024 / 1024).toFixed(0)} MB (${name}) | ${(r.dumpBytes / 1024 / 1024).toFixed(0)} MB | ${seconds(r.spurDump.ms)} s | ${seconds(r.dumpMs)} s | ${(r.spurDump.ms / r.dumpMs).toFixed(2)}× | ${seconds(r.spurRestore.ms)} s | ${seconds(r.restoreMs)} s | ${(r.spurRestore.ms / r.restoreMs).toFixed(2)}× | ${mb(r.spurDump.peakKb)} MB | ${mb(r.spurRestore.peakKb)} MB |`);
    }
    const growth = Math.max(large.spurDump.peakKb, large.spurRestore.peakKb) - Math.max(small.spurDump.peakKb, small.spurRestore.peakKb);
    console.log(`\nSpur's peak RSS, large minus small: ${mb(growth)} MB for ${((large.bytes - small.bytes) / 1024 / 1024).toFixed(0)} MB more data`);
  } finally {
    await cleanupProject(project);
    await spur.stop();
    removeDir(spur.dataDir);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
