// Shapes of the Services area: a service's source fields (at creation and when it changes), its
// settings as actions/service-settings.ts parseSettings reads them, and its status as
// actions/services.ts instanceStatus answers it.
import { z } from 'zod';
import { DeploymentView, SourceView } from './schemas.js';

/** A whole number, as JSON or as the text a form or the CLI sends ("3"). */
const whole = z.union([z.number().int(), z.string()]);
/** A decimal (CPU cores), as JSON or as text ("0.5"). */
const decimal = z.union([z.number(), z.string()]);
/** A switch: true/false, or the words a form or the CLI sends ('on'/'off', 'true'/'false', '1'/'0'). */
const onOff = z.union([z.boolean(), z.string()]);
/** A list of texts, as JSON or as one text with commas (or new lines) between them. */
const list = z.union([z.array(z.string()), z.string()]);

/** A setting that stays as it is when left out, null or empty. */
const kept = <T extends z.ZodType>(schema: T, says: string) => schema.nullable().optional().describe(`${says}; left out, null or empty: unchanged`);
/** A setting that stays as it is when left out; null or an empty string clears it. */
const clearable = <T extends z.ZodType>(schema: T, says: string) => schema.nullable().optional().describe(`${says}; null or empty: cleared`);

/** Where a service comes from: one of a git repository, git push, or an image (sources/index.ts parseSource). */
export const sourceFields = {
  git: z.string().nullable().optional().describe('A git repository Spur clones: https://host/owner/repo.git, ssh://git@host/owner/repo.git or git@host:owner/repo.git'),
  gitUrl: z.string().nullable().optional().describe('Another name for git'),
  push: onOff.nullable().optional().describe("true (or 'on'): built from what is pushed to Spur's own repository over SSH"),
  image: z.string().nullable().optional().describe('A public Docker image run as it is, nothing built, e.g. nginx:1.27 or ghcr.io/org/app@sha256:…'),
  branch: z.string().nullable().optional().describe('The branch deployed, for git and push (main when left out)'),
  rootDir: z.string().nullable().optional().describe('The directory the build runs in, relative to the repository, e.g. app (git and push)'),
  root: z.string().nullable().optional().describe('Another name for rootDir'),
  dockerfilePath: z.string().nullable().optional().describe('The Dockerfile, relative to the repository, e.g. docker/Dockerfile (git and push); without one Spur writes one'),
  dockerfile: z.string().nullable().optional().describe('Another name for dockerfilePath'),
};

export const CreateServiceBody = z.strictObject({
  name: z.string().describe('Lowercase letters, digits and hyphens, starting with a letter, at most 20 characters, e.g. web'),
  ...sourceFields,
  port: whole.nullable().optional().describe('The port the app listens on, 1–65535'),
  deploy: onOff.nullable().optional().describe("true (or 'on'): deploy it to production at once (a git-push service waits for its first push)"),
});

export const ChangeSourceBody = z.strictObject({
  kind: z.string().nullable().optional().describe("git, push or image: the source chosen (a form's choice); only that kind's fields are read"),
  ...sourceFields,
});

/** Every setting a service instance has that a request may change (parseSettings). */
export const SettingsBody = z.strictObject({
  replicas: kept(whole, 'Desired replicas, 0–50 (applies with the next deploy; POST …/scale applies it at once)'),
  port: kept(whole, 'The port the app listens on, 1–65535'),
  healthCheck: kept(z.string(), 'How its health is checked: auto, tcp, http, image, command or none'),
  healthPath: clearable(z.string(), 'The path an http check requests, e.g. /health'),
  healthPort: clearable(whole, 'The port the check uses, 1–65535 (the app port when cleared)'),
  healthInterval: kept(whole, 'Seconds between checks, 1–300'),
  healthTimeout: kept(whole, 'Seconds a check may take, 1–120'),
  healthRetries: kept(whole, 'Failed checks in a row before a task is unhealthy, 1–20'),
  healthStartPeriod: kept(whole, 'Seconds after start while failed checks do not count, 0–600'),
  healthCommand: clearable(z.string(), 'The command a command check runs, e.g. curl -f http://localhost/ (or CMD-SHELL text for the shell)'),
  command: clearable(z.string(), "The container's command, instead of the image's, e.g. node server.js (no shell syntax)"),
  entrypoint: clearable(z.string(), "The container's entrypoint, instead of the image's"),
  cpuLimit: clearable(decimal, 'CPU cores each task may use, 0.01–256, e.g. 0.5'),
  memoryLimit: clearable(whole, 'MiB each task may use, at least 6'),
  cpuReservation: clearable(decimal, 'CPU cores reserved for each task, 0.01–256 (not above the limit)'),
  memoryReservation: clearable(whole, 'MiB reserved for each task, at least 6 (not above the limit)'),
  restartPolicy: kept(z.string(), 'When a stopped task is restarted: any, on-failure or none'),
  restartMaxAttempts: kept(whole, 'Restarts before giving up, 0–100 (0: no limit)'),
  stopGracePeriod: kept(whole, 'Seconds a task has to stop before it is killed, 0–600'),
  branch: clearable(z.string(), 'The branch deployed in this environment (pushes and webhooks)'),
  autoDeploy: onOff.optional().describe("true (or 'on', 'true', '1'): a push to the branch deploys it; anything else turns it off"),
  runOn: kept(z.string(), "Where its tasks are placed: any, manager, or a ready server's name"),
  releaseCommand: clearable(z.string(), 'A pre-deploy command run once from the new image before each rollout, e.g. npm run migrate'),
  buildMemory: clearable(whole, "MiB its builds may use (above the server's default takes an owner)"),
  buildCpus: clearable(decimal, "CPU cores its builds may use (above the server's default takes an owner)"),
  buildTimeout: clearable(whole, "Seconds a build may take, 5–86400 (above the server's default takes an owner)"),
  watchPaths: kept(list, 'Globs a push must touch to deploy, at most 20, e.g. ["server/**", "package.json"] (an empty list: none)'),
  buildVariables: kept(list, 'Names of its variables its builds receive as build arguments, at most 50 (an empty list: none)'),
  autoscaleMin: clearable(whole, 'Autoscaling: fewest replicas, 1–50'),
  autoscaleMax: clearable(whole, 'Autoscaling: most replicas, 1–50 (autoscaling is on while this is set)'),
  autoscaleCpu: clearable(whole, 'Autoscaling: target CPU use in percent of the limit (of a core without one), 10–100'),
  autoscaleMemory: clearable(whole, 'Autoscaling: target memory use in percent of the memory limit, 10–100'),
  strategy: kept(z.string(), 'How a new version takes over: rolling, canary or blue-green'),
  canarySteps: kept(z.union([z.array(whole), z.string()]), 'Canary: shares of the traffic in percent, ascending, 1–99 each, at most 5, e.g. [10, 50] or "10,50"'),
  canaryInterval: kept(whole, 'Canary: seconds at each share before the next, 0–86400 (0: only by hand)'),
  blueGreenKeep: kept(whole, 'Blue-green: seconds the old version stays ready after the switch, 0–86400'),
});

/** toSettingsView: a service instance's settings as they are. */
export const SettingsView = z.object({
  replicas: z.number().int(),
  port: z.number().int(),
  healthCheck: z.object({
    type: z.string().describe('auto, tcp, http, image, command or none'),
    path: z.string().nullable(),
    port: z.number().int(),
    interval: z.number().int(),
    timeout: z.number().int(),
    retries: z.number().int(),
    startPeriod: z.number().int(),
    command: z.string().nullable().describe('Null unless you may read variables’ values (a command may hold a password)'),
  }),
  commandsHidden: z.boolean().describe('A command, entrypoint or health command is set but not shown to you'),
  container: z.object({
    command: z.string().nullable(),
    entrypoint: z.string().nullable(),
    user: z.string().nullable(),
    workdir: z.string().nullable(),
    init: z.boolean(),
    labels: z.record(z.string(), z.string()),
  }).describe("What it sets on its container beyond the image's defaults; null: the image's"),
  limits: z.object({ cpu: z.number().nullable(), memoryMb: z.number().nullable() }),
  reservations: z.object({ cpu: z.number().nullable(), memoryMb: z.number().nullable() }),
  restart: z.object({ policy: z.string(), maxAttempts: z.number().int() }),
  stopGracePeriod: z.number().int(),
  branch: z.string().nullable(),
  autoDeploy: z.boolean(),
  runOn: z.string().describe("any, manager, or a server's name"),
  releaseCommand: z.string().nullable(),
  build: z.object({ memoryMb: z.number().nullable(), cpus: z.number().nullable(), timeoutS: z.number().nullable() }).describe("Its builds' own caps; null: the server's defaults"),
  autoscale: z.object({ min: z.number().int(), max: z.number().int(), cpu: z.number().nullable(), memory: z.number().nullable() }).nullable().describe('Null when off'),
  watchPaths: z.array(z.string()),
  buildVariables: z.array(z.string()),
  strategy: z.string().describe('rolling, canary or blue-green'),
  canary: z.object({ steps: z.array(z.number().int()), interval: z.number().int() }),
  blueGreen: z.object({ keep: z.number().int() }),
});

/** instanceStatus: a service in one environment, its settings, what serves and where. */
export const InstanceStatusView = z.object({
  project: z.string(),
  service: z.string(),
  environment: z.string(),
  source: SourceView,
  replicas: z.number().int().describe('Desired replicas'),
  running: z.number().int().nullable().describe('Tasks running now; null when Docker did not answer'),
  replicasSummary: z.string().describe('The replicas in words: how many run of how many, and why fewer'),
  state: z.object({ kind: z.string().describe('serving, attention, working, down, none or unknown'), words: z.string(), detail: z.string().optional() }),
  port: z.number().int(),
  settings: SettingsView,
  runOnChoices: z.array(z.string()).describe('Where it may be placed: any, manager, or a ready server'),
  deployment: DeploymentView.nullable().describe('The latest attempt, whatever became of it'),
  activeDeployment: DeploymentView.nullable().describe('What serves now'),
  swarmService: z.string(),
  network: z.string(),
  internalUrl: z.string().describe('Its address inside the project network, e.g. http://web:3000'),
  publicUrls: z.array(z.string()),
});

export const GitAccessView = z.object({
  pushUrl: z.string().describe('Where to git push, e.g. ssh://git@spur.example.com:2222/shop/web'),
  webhook: z.object({ url: z.string(), secret: z.string().nullable() }).describe('The webhook to give the git host'),
  deployKey: z.string().nullable().describe('The public deploy key to add to the repository (a cloned repository only)'),
  httpsToken: z.literal('set').nullable().describe('Whether a token to clone over HTTPS is set (it is never shown)'),
});

export const BuildPlanView = z.object({
  commit: z.object({ sha: z.string(), message: z.string() }).nullable().describe('The branch head the plan is made from (null for a service built from pushes or an image)'),
  generated: z.boolean().describe('Spur writes the Dockerfile (the repository has none)'),
  stack: z.string().nullable(),
  reasons: z.array(z.string()),
  dockerfile: z.string().describe("The Dockerfile's path in the build's root directory"),
  dockerfileText: z.string().nullable().describe('The Dockerfile itself, when there is one to show'),
});
