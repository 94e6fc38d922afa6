// Restoring an engine whose running server cannot take a dump (Redis): the database's service is
// scaled to nothing, its data volume gets the dump in place of the files the server would load
// instead, a server on that volume (no network) loads it and makes it durable under the engine's
// own settings, and the service is scaled back up.
import { posix } from 'node:path';
import { Writable } from 'node:stream';
import type { DatabaseRecord } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import { execFailure, execIn } from '../docker/exec.js';
import { INSTALL_LABEL, MANAGED_LABEL } from '../docker/names.js';
import { scaleService } from '../docker/swarm.js';
import { tarOfFile } from '../docker/tar.js';
import type { Credentials } from '../store/databases.js';
import type { DatabaseEngine } from './engine.js';
import { waitContainersGone, waitReady } from './ready.js';
import { type DatabaseRef, VERIFY_LABEL, databaseServiceName } from './service-spec.js';

type Load = NonNullable<DatabaseEngine['loadFromFile']>;
const PERSIST_WITHIN_MS = 300_000;

export async function replaceDataWithFile(deps: { docker: DockerClient; installId: string }, ref: DatabaseRef, d: DatabaseRecord, engine: DatabaseEngine, credentials: Credentials, file: string): Promise<void> {
  const load = engine.loadFromFile as Load;
  const service = databaseServiceName(ref);
  // Labelled as a verification server is: one a stop leaves behind goes at the next start.
  const helper = (Cmd: string[]) =>
    deps.docker.createContainer({
      Image: d.image,
      Cmd,
      Env: Object.entries(engine.environment(credentials)).map(([k, v]) => `${k}=${v}`),
      Labels: { [MANAGED_LABEL]: 'true', [INSTALL_LABEL]: deps.installId, [VERIFY_LABEL]: `restore-${d.id}` },
      HostConfig: { NetworkMode: 'none', Mounts: [{ Type: 'volume', Source: d.volume_name, Target: engine.dataPath }] },
    });
  await scaleService(deps.docker, service, 0);
  try {
    await waitContainersGone(deps.docker, ref);
    // The file goes in while the first helper is stopped; run, it removes what would be loaded instead.
    const placer = await helper(['rm', '-rf', ...load.stale]);
    try {
      await placer.putArchive(await tarOfFile(file, posix.basename(load.path)), { path: posix.dirname(load.path) });
      await placer.start();
      const { StatusCode } = (await placer.wait()) as { StatusCode: number };
      if (StatusCode !== 0) throw new Error(`removing the server's own files before the restore failed (exit ${StatusCode})`);
    } finally {
      await placer.remove({ force: true }).catch(() => {});
    }
    if (load.persist) {
      const loader = await helper(load.args(credentials));
      try {
        await loader.start();
        await waitReady(deps.docker, loader.id, engine, credentials);
        await persist(deps.docker, loader.id, load.persist, credentials);
        await loader.stop({ t: 60 });
      } finally {
        await loader.remove({ force: true }).catch(() => {});
      }
    }
  } finally {
    await scaleService(deps.docker, service, 1);
  }
}

/** Runs the engine's persist command, then its check until the output says it is done. */
async function persist(docker: DockerClient, container: string, p: NonNullable<Load['persist']>, c: Credentials): Promise<void> {
  const started = await execIn(docker, container, p.command(c));
  if (started.exitCode !== 0) throw execFailure('making the restored data durable', started);
  const deadline = Date.now() + PERSIST_WITHIN_MS;
  for (;;) {
    const out: Buffer[] = [];
    const checked = await execIn(docker, container, p.check(c), { stdout: new Writable({ write: (chunk: Buffer, _e, cb) => (out.push(chunk), cb()) }) });
    if (checked.exitCode === 0 && p.done.every((re) => re.test(Buffer.concat(out).toString('utf8')))) return;
    if (Date.now() > deadline) throw new Error(`the restored data was not made durable within ${PERSIST_WITHIN_MS / 1000} s`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
