// One deployment from `queued` to `active` or `failed`: fetch, build, then roll out on Swarm.
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { resolveBuildContext } from '../build/context.js';
import { cloneBranchHead } from '../build/git.js';
import type { Config } from '../config.js';
import type { Db } from '../db/open.js';
import type { DeploymentStatus } from '../db/schema.js';
import type { DockerClient } from '../docker/client.js';
import { ensureOverlayNetwork } from '../docker/engine.js';
import { buildImage } from '../docker/images.js';
import { generatedDomain, imageTag, ownershipLabels, projectNetworkName, swarmServiceName } from '../docker/names.js';
import { serviceSpec } from '../docker/service-spec.js';
import { upsertService, waitForRollout } from '../docker/swarm.js';
import type { Log } from '../log.js';
import { traefikLabels } from '../routing/traefik-labels.js';
import { getDeployment, recordDeploymentSource, transitionDeployment } from '../store/deployments.js';
import { type InstanceContext, getInstanceContext } from '../store/services.js';
import { readVariables } from '../store/variables.js';
import type { DeploymentLogBus } from './log-bus.js';
import { makeRedactor } from './redact.js';

export interface PipelineDeps {
  config: Pick<Config, 'dataDir' | 'baseDomain' | 'gitCaFile'>;
  db: Db;
  docker: DockerClient;
  log: Log;
  key: Buffer;
  logBus: DeploymentLogBus;
  rolloutTimeoutMs?: number;
}

/** The domains an instance answers on: its generated domain and its custom domain, if any. */
export function instanceDomains(ctx: InstanceContext, baseDomain: string): string[] {
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  return [generatedDomain(ref, baseDomain), ...(ctx.instance.custom_domain ? [ctx.instance.custom_domain] : [])];
}

export async function runDeployment(deps: PipelineDeps, deploymentId: number): Promise<void> {
  const deployment = await getDeployment(deps.db, deploymentId);
  if (deployment.status !== 'queued') return;
  const ctx = await getInstanceContext(deps.db, { serviceId: deployment.service_id, environmentId: deployment.environment_id });
  const variables = await readVariables(deps.db, deps.key, { serviceId: ctx.service.id, environmentId: ctx.environment.id });
  const redact = makeRedactor(Object.values(variables));
  const say = (line: string) => deps.logBus.line(deploymentId, redact(line));
  const setStatus = async (to: DeploymentStatus, fields: Parameters<typeof transitionDeployment>[3] = {}) => {
    await transitionDeployment(deps.db, deploymentId, to, fields);
    await deps.logBus.status(deploymentId, to, fields.failure_reason);
  };

  try {
    const image = ctx.service.source_type === 'git' ? await buildFromGit(deps, ctx, deploymentId, { say, setStatus }) : ctx.service.image!;
    await setStatus('deploying', { image_tag: image });
    await rollOut(deps, ctx, { deploymentId, image, variables, say });
    // The line goes first: followers stop reading at the final status.
    await say(`Deployment ${deploymentId} is active.`);
    await setStatus('active');
  } catch (err) {
    const reason = redact((err as Error).message || String(err));
    deps.log.warn('deployment failed', { deploymentId, reason });
    await say(`Deployment failed: ${reason}`);
    await setStatus('failed', { failure_reason: reason }).catch((e) => deps.log.error('could not record failure', { deploymentId, error: String(e) }));
  }
}

async function buildFromGit(
  deps: PipelineDeps,
  ctx: InstanceContext,
  deploymentId: number,
  io: { say: (line: string) => Promise<void>; setStatus: (to: DeploymentStatus) => Promise<void> },
): Promise<string> {
  await io.setStatus('building');
  const dir = join(deps.config.dataDir, 'builds', String(deploymentId));
  await rm(dir, { recursive: true, force: true });
  await mkdir(join(deps.config.dataDir, 'builds'), { recursive: true });
  try {
    const { service, project } = ctx;
    await io.say(`Fetching ${service.git_url} (branch ${service.git_branch})`);
    const checkout = await cloneBranchHead({ url: service.git_url!, branch: service.git_branch!, dir, caFile: deps.config.gitCaFile }).catch((err: Error) => {
      throw new Error(`could not fetch branch ${service.git_branch}: ${lastLine(err.message)}`);
    });
    await recordDeploymentSource(deps.db, deploymentId, { commit_sha: checkout.sha, commit_message: checkout.message });
    await io.say(`Commit ${checkout.sha.slice(0, 12)}: ${checkout.message}`);
    const context = await resolveBuildContext(dir, { rootDir: service.root_dir, dockerfilePath: service.dockerfile_path });
    const tag = imageTag({ project: project.name, service: service.name }, deploymentId);
    await io.say(`Building ${tag} from ${service.root_dir ?? '.'}/${context.dockerfile}`);
    const pending: Promise<void>[] = [];
    await buildImage(deps.docker, {
      ...context,
      tag,
      // Each build label is a builder step; the deployment id is already in the tag.
      labels: ownershipLabels({ project: project.name, service: service.name }),
      onLine: (line) => void pending.push(io.say(line)),
    }).catch((err: Error) => {
      throw new Error(`build failed: ${err.message}`);
    });
    await Promise.all(pending);
    return tag;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function rollOut(
  deps: PipelineDeps,
  ctx: InstanceContext,
  opts: { deploymentId: number; image: string; variables: Record<string, string>; say: (line: string) => Promise<void> },
): Promise<void> {
  const ref = { project: ctx.project.name, service: ctx.service.name, environment: ctx.environment.name };
  await ensureOverlayNetwork(deps.docker, projectNetworkName(ref), ownershipLabels({ project: ref.project, environment: ref.environment }));
  const name = swarmServiceName(ref);
  const spec = serviceSpec({
    ...ref,
    deploymentId: opts.deploymentId,
    image: opts.image,
    replicas: ctx.instance.replicas,
    port: ctx.instance.port,
    variables: opts.variables,
    routingLabels: traefikLabels({ name, domains: instanceDomains(ctx, deps.config.baseDomain), port: ctx.instance.port }),
  });
  await opts.say(`Updating Swarm service ${name} (${ctx.instance.replicas} replica${ctx.instance.replicas === 1 ? '' : 's'})`);
  await upsertService(deps.docker, spec);
  await waitForRollout(deps.docker, { serviceName: name, deploymentId: opts.deploymentId, replicas: ctx.instance.replicas, timeoutMs: deps.rolloutTimeoutMs ?? 180_000 });
}

function lastLine(text: string): string {
  const lines = text.trim().split('\n').filter(Boolean);
  return lines[lines.length - 1] ?? text;
}
