// The typed shape of every table. Timestamps are ISO-8601 strings; ids are integers.
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UserTable {
  id: Generated<number>;
  email: string;
  password_hash: string | null;
  role: 'owner' | 'member';
  created_at: string;
  /** The last signed-in page or API call (at most a minute old); null: never since 032. */
  last_seen_at: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface SessionTable {
  token_hash: string;
  user_id: number;
  csrf_token: string;
  expires_at: string;
  created_at: string;
  /** What the Sessions list names it by (the token's hash never leaves the server). */
  public_id: string | null;
  user_agent: string | null;
  address: string | null;
  last_seen_at: string | null;
}

/** A user's TOTP enrolment: the secret sealed; `enabled_at` null until a first code confirmed it. */
export interface TwoFactorTable {
  user_id: number;
  secret_sealed: string;
  enabled_at: string | null;
  /** The TOTP time step of the last accepted code: a code at or before it is refused (no replay). */
  last_step: number | null;
  created_at: string;
}

/** A single-use recovery code, by its hash. */
export interface RecoveryCodeTable {
  id: Generated<number>;
  user_id: number;
  code_hash: string;
  used_at: string | null;
}

export interface ApiTokenTable {
  id: Generated<number>;
  user_id: number;
  token_hash: string;
  name: string;
  created_at: string;
  /** Updated at most once a minute. */
  last_used_at: string | null;
  /** What it may do of what its user may (actions/access.ts). */
  scope: Generated<TokenScope>;
  /** The one project it may use, or null: every project its user may. */
  project_id: number | null;
  /** After this, it is refused (401); null: never. */
  expires_at: string | null;
  /** The token that made it, if one did: revoking that one revokes this one too. */
  parent_id: number | null;
}

export type TokenScope = 'read' | 'deploy' | 'admin';

export interface ProjectTable {
  id: Generated<number>;
  name: string;
  created_at: string;
}

export interface EnvironmentTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  created_at: string;
  /** 1: a developer's deploy, rollback or variable change here waits for an admin (actions/requests.ts). */
  protected: ColumnType<number, number | undefined, number>;
  /** A preview environment (actions/previews.ts): the service whose pull request it shows, the
   *  request's number, 1 when its head is in a fork, its head commit, when it goes unless updated. */
  preview_service_id: Generated<number | null>;
  preview_pr: Generated<number | null>;
  preview_fork: Generated<number>;
  preview_head: Generated<string | null>;
  preview_expires_at: Generated<string | null>;
  /** The git host whose event made the preview (`github`, `gitlab`, `gitea`). */
  preview_provider: Generated<string | null>;
}

export type RequestKind = 'deploy' | 'rollback' | 'variables' | 'shared-variables';
export type RequestStatus = 'pending' | 'approved' | 'rejected' | 'expired' | 'cancelled';

/** A change held back in a protected environment until an admin approves it (migration 033). */
export interface ChangeRequestTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  service_id: number | null;
  kind: RequestKind;
  requested_by: number | null;
  /** The requester's email, or the git host whose webhook asked. */
  requester: string;
  trigger: string;
  payload_sealed: string;
  summary: string;
  status: ColumnType<RequestStatus, RequestStatus | undefined, RequestStatus>;
  created_at: string;
  expires_at: string;
  decided_by: number | null;
  decided_at: string | null;
  reason: string | null;
  deployment_id: number | null;
}

/** git: cloned from a URL; push: only what users `git push` to Spur; image: a Docker image. */
export type SourceType = 'git' | 'push' | 'image';

export type ReleaseStrategy = 'rolling' | 'canary' | 'blue-green';

export interface ServiceTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  source_type: SourceType;
  git_url: string | null;
  git_branch: string | null;
  root_dir: string | null;
  dockerfile_path: string | null;
  image: string | null;
  created_at: string;
  deploy_key_private_sealed: string | null;
  deploy_key_public: string | null;
  https_token_sealed: string | null;
  webhook_secret_sealed: string | null;
  /** Previews of pull requests: the environment they are made from (null: off), the JSON list of
   *  its variables copied into them (never for a fork), and the hours an idle one lives. */
  previews_base: Generated<string | null>;
  previews_copy: Generated<string | null>;
  previews_ttl_h: Generated<number>;
  /** `service`: a preview holds only this service; `project`: the base's other services too (running
   *  the images they serve there). */
  previews_with: Generated<PreviewsWith>;
  /** `fresh`: a preview gets an empty database of each of the base's; `none`: none. */
  previews_databases: Generated<PreviewDatabases>;
  /** A git host API token the preview's commit status is posted with (null: none is posted). */
  previews_status_token_sealed: Generated<string | null>;
  /** The Compose app the service belongs to (migration 049); null: a service of its own. */
  compose_app_id: Generated<number | null>;
}

export type PreviewsWith = 'service' | 'project';
export type PreviewDatabases = 'none' | 'fresh';

export interface SshKeyTable {
  id: Generated<number>;
  user_id: number;
  name: string;
  algorithm: string;
  /** The key in OpenSSH's base64 wire form. */
  public_key: string;
  fingerprint: string;
  created_at: string;
}

/** A member's role in one project (the installation's owner needs none). */
export type ProjectRole = 'admin' | 'developer' | 'viewer';

export interface ProjectMemberTable {
  project_id: number;
  user_id: number;
  role: ProjectRole;
  /** When they joined; null for members from before invitations (032). */
  created_at: ColumnType<string | null, string | null | undefined, string | null>;
}

/** An invitation to a project with one role: single use, expiring, revocable; only the token's hash is kept. */
export interface InvitationTable {
  id: Generated<number>;
  project_id: number;
  email: string;
  role: ProjectRole;
  token_hash: string;
  invited_by: number | null;
  invited_by_email: string;
  created_at: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_by: number | null;
  revoked_at: string | null;
}

export interface WebhookDeliveryTable {
  provider: string;
  delivery_id: string;
  service_id: number;
  received_at: string;
}

/** Per (service, environment) settings. */
export interface ServiceInstanceTable {
  service_id: number;
  environment_id: number;
  replicas: number;
  port: number;
  /** First label of the generated domain, `<service>-<project>[-<environment>]` (then `-2`, `-3`
   *  … if taken); unique, and never changed once assigned. */
  domain_label: string;
  health_type: Generated<HealthType>;
  health_path: string | null;
  health_port: number | null;
  health_interval_s: Generated<number>;
  health_timeout_s: Generated<number>;
  health_retries: Generated<number>;
  health_start_period_s: Generated<number>;
  cpu_limit: number | null;
  memory_limit_mb: number | null;
  cpu_reservation: number | null;
  memory_reservation_mb: number | null;
  restart_policy: Generated<RestartCondition>;
  restart_max_attempts: Generated<number>;
  stop_grace_s: Generated<number>;
  /** Branch deployed in this environment (pushes and webhooks); null: the service's branch in production, none elsewhere. */
  branch: string | null;
  /** 1: pushes to the branch reported by webhooks deploy. */
  auto_deploy: Generated<number>;
  /** When settings that apply with a deploy, or variables, last changed (replicas apply at once). */
  changed_at: Generated<string | null>;
  /** Where its tasks run: null any node, 'manager', or an enrolled server's name. */
  placement: Generated<string | null>;
  /** Run once from the new image before each rollout (migrations); as written, null for none. */
  release_command: Generated<string | null>;
  /** Caps and timeout of its builds; null: the server's defaults. */
  build_memory_mb: Generated<number | null>;
  build_cpus: Generated<number | null>;
  build_timeout_s: Generated<number | null>;
  /** JSON list of globs a push must touch to deploy it (git/watch-paths.ts); null: none. */
  watch_paths: Generated<string | null>;
  /** JSON list of its variables' names passed to builds as build arguments; null: none. */
  build_variables: Generated<string | null>;
  /** Autoscaling (migration 042), null when off: the replicas it keeps within, and the use it aims
   *  for, in percent of each task's CPU limit (of a core without one) and of its memory limit. */
  autoscale_min: Generated<number | null>;
  autoscale_max: Generated<number | null>;
  autoscale_cpu: Generated<number | null>;
  autoscale_memory: Generated<number | null>;
  /** How a new version takes over (migration 046; deploy/gradual.ts). */
  strategy: Generated<ReleaseStrategy>;
  /** Canary: JSON list of the shares of the traffic (percent, ascending, below 100) the new
   *  version takes in turn; null: [10]. */
  canary_steps: Generated<string | null>;
  /** Canary: seconds at each share before the next; 0: only by hand (`spur canary … next`). */
  canary_step_s: Generated<number>;
  /** Blue-green: seconds the old version stays ready after the switch. */
  blue_green_keep_s: Generated<number>;
  /** What a Compose service set on its container (migration 049), as JSON lists of words / a JSON
   *  object of labels; null: the image's own. Args replaces the image's CMD, entrypoint its ENTRYPOINT. */
  container_command: Generated<string | null>;
  container_entrypoint: Generated<string | null>;
  container_labels: Generated<string | null>;
  container_user: Generated<string | null>;
  container_workdir: Generated<string | null>;
  container_init: Generated<number>;
  /** For the `command` health check: Docker's test as a JSON list (`["CMD", …]` or `["CMD-SHELL", "…"]`). */
  health_command: Generated<string | null>;
}

/** `auto`: the image's HEALTHCHECK when it has one, else `tcp`. */
export type HealthType = 'auto' | 'tcp' | 'http' | 'image' | 'command' | 'none';
export type RestartCondition = 'any' | 'on-failure' | 'none';

export interface VariableTable {
  service_id: number;
  environment_id: number;
  key: string;
  /** AES-256-GCM sealed value (see secrets.ts). */
  value_sealed: string;
  updated_at: string;
}

export type DeploymentStatus = 'queued' | 'building' | 'deploying' | 'active' | 'failed' | 'cancelled' | 'superseded';

export interface DeploymentTable {
  id: Generated<number>;
  service_id: number;
  environment_id: number;
  status: DeploymentStatus;
  commit_sha: string | null;
  commit_message: string | null;
  image_tag: string | null;
  trigger: string;
  failure_reason: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  /** For a rollback: the earlier deployment whose image it runs again. */
  source_deployment_id: Generated<number | null>;
  /** The variables it ran with, sealed JSON; null before it reached them (and before 006). */
  variables_sealed: Generated<string | null>;
  /** JSON { stack, reasons, dockerfile }: the Dockerfile Spur wrote, when the repository had none. */
  build_plan: Generated<string | null>;
  /** The user who asked for it (web, API, CLI, git push); null for a webhook, or once they were removed. */
  requested_by: Generated<number | null>;
  /** JSON: the git object directories through which commit_sha is read from Spur's repository of
   *  the service (a push's quarantine while its hook waits); null when the commit was not pushed to Spur. */
  pushed_objects: Generated<string | null>;
  /** For a promotion: the deployment of another environment whose image it runs, with its own
   *  environment's variables. */
  promoted_from_id: Generated<number | null>;
}

export interface DeploymentLogTable {
  id: Generated<number>;
  deployment_id: number;
  line: string;
  created_at: string;
}

export type DeploymentStepName = 'queued' | 'fetch' | 'build' | 'release' | 'rollout' | 'health';
export type DeploymentStepOutcome = 'done' | 'failed' | 'cancelled';

/** One step of a deployment as it happened; finished_at and outcome are null while it runs. */
export interface DeploymentStepTable {
  id: Generated<number>;
  deployment_id: number;
  name: DeploymentStepName;
  started_at: string;
  finished_at: string | null;
  outcome: DeploymentStepOutcome | null;
}

/** One change or refused attempt, as the audit log keeps it (append-only, hash-chained). */
export interface AuditEntryTable {
  id: number;
  at: string;
  actor_kind: 'user' | 'token' | 'system' | 'webhook';
  actor_id: number | null;
  actor_email: string | null;
  role: string | null;
  action: string;
  object_kind: string | null;
  object_id: number | null;
  object_name: string | null;
  project_id: number | null;
  /** JSON, secrets replaced by "(set)", "(changed)", "(removed)". */
  before: string | null;
  after: string | null;
  via: 'ui' | 'api' | 'cli' | 'mcp' | 'git-push' | 'webhook' | 'job';
  address: string | null;
  outcome: 'allowed' | 'refused';
  prev_hash: string;
  hash: string;
}

export interface SettingTable {
  key: string;
  value: string;
}

/** A custom domain of a service in one environment; a hostname is unique in the installation. */
export interface DomainTable {
  id: Generated<number>;
  /** Both null: Spur's own domain (SPUR_DOMAIN or the owner's setting). */
  service_id: number | null;
  environment_id: number | null;
  /** Validated, lowercase, punycode (src/validate.ts). */
  hostname: string;
  created_at: string;
  /** 1: Spur obtains a certificate and serves HTTPS; 0: plain HTTP only. */
  https: Generated<number>;
  /** 1: HTTPS answers carry Strict-Transport-Security (a year). */
  hsts: Generated<number>;
  /** Another domain of the same instance that requests to this one are permanently sent to. */
  redirect_to: string | null;
  tls_status: Generated<TlsStatus>;
  /** Why the last order failed, in the CA's words. */
  tls_error: string | null;
  /** Orders failed in a row; the back-off grows with them. */
  tls_failures: Generated<number>;
  /** Not before this time is the next order placed (null: at once). */
  tls_retry_at: string | null;
}

/** pending: no certificate yet; issuing: an order is under way; active: a valid certificate;
 *  failed: the last order failed (a previous certificate, if any, still serves). */
export type TlsStatus = 'pending' | 'issuing' | 'active' | 'failed';

/** An image a build on `server` ('manager' or an enrolled server's name) made, and when a build
 *  last used it (builds/build-cache.ts). */
export interface BuildCacheImageTable {
  server: string;
  /** Docker's full image id, `sha256:<hex>`. */
  image_id: string;
  used_at: string;
}

/** A certificate Spur obtained for a domain: the chain as PEM and its key, sealed. */
export interface CertificateTable {
  domain_id: number;
  cert_pem: string;
  key_sealed: string;
  not_after: string;
  issued_at: string;
}

export interface DatabaseTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  /** Also its host name on the project network; no service of the project has it. */
  name: string;
  /** A key of ENGINES (src/databases/engines). */
  engine: string;
  image: string;
  /** JSON of Credentials (src/databases/engine.ts), sealed. */
  credentials_sealed: string;
  created_at: string;
  /** A five-field cron expression (UTC) for its backups; null: backed up only when asked. */
  backup_schedule: ColumnType<string | null, string | null | undefined, string | null>;
  /** How many of its newest backups are kept; older ones (file, S3 copy, record) go. */
  backup_keep: ColumnType<number, number | undefined, number>;
  /** The Docker volume holding its data, named once at creation with a random part (migration
   *  026): a later database of the same name never opens it. */
  volume_name: string;
}

export interface SharedVariableTable {
  environment_id: number;
  key: string;
  value_sealed: string;
  updated_at: string;
}

export interface NodeTable {
  id: Generated<number>;
  /** Also its Swarm label (spur.node); a DNS label. */
  name: string;
  /** The address Spur reaches it at over SSH, and the one it advertises in the Swarm. */
  host: string;
  port: number;
  user: string;
  /** SHA256:… of its SSH host key, pinned at the first connection: another key is refused. */
  host_key_fingerprint: string | null;
  swarm_node_id: string | null;
  status: 'enrolling' | 'ready' | 'failed' | 'removing';
  /** Why enrollment (or removal) failed: the step and its words. */
  error: string | null;
  /** The steps of its enrollment, one a line. */
  log: ColumnType<string, string | undefined, string>;
  build_server: ColumnType<number, number | undefined, number>;
  created_at: string;
}

export interface VolumeTable {
  id: Generated<number>;
  service_id: number;
  environment_id: number;
  name: string;
  /** Absolute path inside the container (src/validate.ts mountPath). */
  mount_path: string;
  created_at: string;
  /** The Docker volume behind it, named once at creation with a random part (migration 026): a
   *  later service or project of the same names never mounts it. */
  docker_name: string;
  /** A cron expression (UTC) its backups are taken on; null: only when asked. */
  backup_schedule: Generated<string | null>;
  /** How many completed backups are kept. */
  backup_keep: Generated<number>;
}

/** A backup of a named volume (migration 048): a gzipped tar of its files. */
export interface VolumeBackupTable {
  id: Generated<number>;
  service_id: number;
  environment_id: number;
  volume_name: string;
  status: BackupStatus;
  trigger: 'schedule' | 'manual';
  file: string | null;
  size: number | null;
  sha256: string | null;
  error: string | null;
  created_at: string;
  finished_at: string | null;
  remote_key: string | null;
  remote_status: 'uploading' | 'ok' | 'failed' | null;
  remote_error: string | null;
}

export type BackupStatus = 'running' | 'ok' | 'failed';

/** A Compose file kept as a group of its project's services (migration 049). */
export interface ComposeAppTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  /** The file and its .env as last given (or read), sealed (they may hold passwords). */
  file_sealed: string;
  dotenv_sealed: string | null;
  /** Where the file is read from at each save and deploy (null: pasted): a repository, its
   *  branch, and the file's path in it; its services with `build` build from the same repository. */
  git_url: string | null;
  git_branch: string | null;
  git_path: string | null;
  created_at: string;
  updated_at: string;
}

export type ComposeDeploymentStatus = 'deploying' | 'active' | 'failed' | 'superseded';

/** One deploy (or rollback) of a whole Compose app in one environment. */
export interface ComposeDeploymentTable {
  id: Generated<number>;
  app_id: number;
  environment_id: number;
  status: ComposeDeploymentStatus;
  /** For a rollback: the earlier group deployment it returns to. */
  rollback_of: number | null;
  file_sealed: string;
  dotenv_sealed: string | null;
  trigger: string;
  requested_by: number | null;
  failure_reason: string | null;
  created_at: string;
  finished_at: string | null;
}

/** The deployment each service of the app serves with in a group deployment; `changed` 0: the
 *  one it already served (its Compose definition had not changed). */
export interface ComposeDeploymentMemberTable {
  compose_deployment_id: number;
  service_id: number;
  deployment_id: number | null;
  changed: number;
}

export interface DatabaseBackupTable {
  id: Generated<number>;
  project_id: number;
  environment_id: number;
  database_name: string;
  engine: string;
  status: BackupStatus;
  /** Path of the dump under the data dir (null until it is complete). */
  file: string | null;
  size: number | null;
  sha256: string | null;
  /** Why it failed, in the dump tool's words. */
  error: string | null;
  created_at: string;
  finished_at: string | null;
  /** Restored into a throwaway server and checked: passed or failed (null: not yet). */
  verified: 'passed' | 'failed' | null;
  /** What the check found (tables and rows, keys), or why it failed. */
  verify_detail: string | null;
  /** What started it: the database's schedule or a person (UI, API, CLI). */
  trigger: ColumnType<'schedule' | 'manual', 'schedule' | 'manual' | undefined, never>;
  /** The object key of its copy in S3-compatible storage (null: none configured). */
  remote_key: string | null;
  remote_status: 'uploading' | 'ok' | 'failed' | null;
  remote_error: string | null;
}

/** A metrics series: a Swarm service's name (src/metrics/sampler.ts). */
export interface MetricSeriesTable {
  id: Generated<number>;
  name: string;
  /** The Swarm service's id: one made again under the same name (deleted, then created) gets another. */
  swarm_id: string;
}

/** A point of a series in one tier's ring (src/metrics/tiers.ts; migration 037 says the units). */
export interface MetricPointTable {
  series_id: number;
  tier: number;
  slot: number;
  /** Start of the point's window, epoch seconds. */
  at: number;
  /** Thousandths of a core: the window's mean, and its highest sample. */
  cpu: number;
  cpu_max: number;
  /** Bytes in use (without dropable page cache): mean and highest. */
  memory: number;
  memory_max: number;
  /** Bytes, summed over its tasks; null when a task has none. */
  memory_limit: number | null;
  /** Bytes a second received and sent. */
  rx: number;
  tx: number;
  /** Tasks running: the most at once in the window. */
  tasks: number;
  /** A server's (migration 038), null for a service: bytes used on the disk Docker keeps its data
   *  on (mean) and that disk's size, and the 1-minute load average in thousandths (mean). */
  disk: number | null;
  disk_size: number | null;
  load: number | null;
  /** Tasks that ended without being asked to in the window (migration 039); null is none. */
  restarts: number | null;
  /** As Traefik counts them (migration 040), null where it does not serve the service: requests in
   *  the window, those answered 4xx and 5xx, and latency quantiles in microseconds. */
  requests: number | null;
  errors_4xx: number | null;
  errors_5xx: number | null;
  p50: number | null;
  p95: number | null;
  p99: number | null;
}

export interface AlertChannelTable {
  id: Generated<number>;
  /** Null: the installation's. */
  project_id: number | null;
  name: string;
  /** src/alerts/channels/index.ts CHANNEL_KINDS */
  kind: string;
  /** JSON of the settings that are not secrets. */
  settings: string;
  /** The secrets' JSON, sealed (src/secrets.ts). */
  secrets_sealed: string;
  created_at: string;
}

/** An owner's or admin's rule on a metric (src/alerts/rules/threshold.ts). */
export interface AlertRuleTable {
  id: Generated<number>;
  /** Null: the installation's. */
  project_id: number | null;
  name: string;
  target: 'services' | 'databases' | 'servers';
  /** One service, database or server by name; null: each of them. */
  subject: string | null;
  metric: string;
  op: '>' | '<';
  value: number;
  for_s: number;
  created_at: string;
}

/** A built-in rule turned off for a project, or everywhere (no project). */
export interface AlertRuleOffTable {
  project_id: number | null;
  rule: string;
}

/** A service's scheduled job in one environment (see deploy/cron-jobs.ts). */
export interface CronJobTable {
  id: Generated<number>;
  service_id: number;
  environment_id: number;
  name: string;
  /** Five cron fields, read in `time_zone`. */
  schedule: string;
  time_zone: Generated<string>;
  /** Words run without a shell (command-words.ts). */
  command: string;
  timeout_s: number;
  /** 1: a run starts even while the one before is still running; 0: it is skipped. */
  allow_overlap: Generated<number>;
  enabled: Generated<number>;
  created_at: string;
}

export type CronRunStatus = 'running' | 'succeeded' | 'failed' | 'timed-out' | 'skipped' | 'interrupted';

/** One run of a job: how it ended, and the last lines of its output (secrets masked). */
export interface CronRunTable {
  id: Generated<number>;
  job_id: number;
  /** 'schedule', or who ran it now ('manual:<email>'). */
  trigger: string;
  status: CronRunStatus;
  exit_code: number | null;
  reason: string | null;
  /** The deployment whose image it ran. */
  deployment_id: number | null;
  started_at: string;
  finished_at: string | null;
  output: Generated<string>;
}

/** An alert: pending, firing, or (resolved_at set) over; the times are epoch seconds
 *  (src/alerts/lifecycle.ts says how it moves). */
export interface AlertTable {
  id: Generated<number>;
  /** The rule and what it is about: "memory:spur_shop_web_production". */
  key: string;
  rule: string;
  project_id: number | null;
  title: string;
  text: string;
  link: string | null;
  since: number;
  firing: number;
  sent_at: number | null;
  clear_since: number | null;
  fired_at: number | null;
  resolved_at: number | null;
}

export interface AlertNotificationTable {
  id: Generated<number>;
  alert_id: number;
  /** The channel's name as it was then. */
  channel: string;
  /** 1: one of the installation's channels (a project's members do not see those). */
  installation: number;
  state: 'firing' | 'repeat' | 'resolved';
  at: number;
  /** Why it was not delivered; null: it was. */
  error: string | null;
}

/** A message an alert's step said to send; sent_at null until it was (src/actions/alert-engine.ts). */
export interface AlertSendTable {
  id: Generated<number>;
  alert_id: number;
  state: 'firing' | 'repeat' | 'resolved';
  created_at: number;
  sent_at: number | null;
}

/** A change of a service instance's replicas the autoscaler made. */
export interface ScaleEventTable {
  id: Generated<number>;
  service_id: number;
  environment_id: number;
  at: string;
  from_replicas: number;
  to_replicas: number;
  reason: string;
}

export interface TaskExitTable {
  id: Generated<number>;
  /** The Swarm service's name (a metric series' name). */
  series: string;
  task_id: string;
  /** When it ended, epoch seconds. */
  at: number;
  slot: number | null;
  /** Swarm's state for it: failed, complete, rejected, orphaned. */
  state: string;
  exit_code: number | null;
  /** In a person's words (src/docker/task-problem.ts). */
  reason: string;
}

export interface EventTable {
  id: Generated<number>;
  project_id: number;
  /** src/events/types.ts EVENT_TYPES */
  type: string;
  /** JSON of what the event says (its payload's data). */
  data: string;
  created_at: string;
}

export interface EventWebhookTable {
  id: Generated<number>;
  project_id: number;
  name: string;
  /** The URL's host, to name it by: the URL itself may hold a credential. */
  host: string;
  /** JSON array of the event types it wants; ["*"] for all. */
  types: string;
  /** { url, secret } as JSON, sealed (src/secrets.ts). */
  secrets_sealed: string;
  created_at: string;
}

export interface EventDeliveryTable {
  id: Generated<number>;
  event_id: number;
  webhook_id: number;
  /** pending (to send at next_at), delivered, failed (given up). */
  state: 'pending' | 'delivered' | 'failed';
  attempts: Generated<number>;
  next_at: string | null;
  /** The receiver's HTTP status at the last attempt; null when none answered. */
  last_status: number | null;
  last_error: string | null;
  last_at: string | null;
  created_at: string;
}

export interface Database {
  cron_jobs: CronJobTable;
  cron_runs: CronRunTable;
  databases: DatabaseTable;
  database_backups: DatabaseBackupTable;
  volumes: VolumeTable;
  volume_backups: VolumeBackupTable;
  compose_apps: ComposeAppTable;
  compose_deployments: ComposeDeploymentTable;
  compose_deployment_members: ComposeDeploymentMemberTable;
  users: UserTable;
  sessions: SessionTable;
  two_factor: TwoFactorTable;
  recovery_codes: RecoveryCodeTable;
  api_tokens: ApiTokenTable;
  projects: ProjectTable;
  environments: EnvironmentTable;
  services: ServiceTable;
  service_instances: ServiceInstanceTable;
  variables: VariableTable;
  deployments: DeploymentTable;
  deployment_logs: DeploymentLogTable;
  deployment_steps: DeploymentStepTable;
  settings: SettingTable;
  audit_entries: AuditEntryTable;
  change_requests: ChangeRequestTable;
  shared_variables: SharedVariableTable;
  nodes: NodeTable;
  metric_series: MetricSeriesTable;
  metric_points: MetricPointTable;
  task_exits: TaskExitTable;
  alert_channels: AlertChannelTable;
  events: EventTable;
  event_webhooks: EventWebhookTable;
  event_deliveries: EventDeliveryTable;
  alert_rules: AlertRuleTable;
  alert_rules_off: AlertRuleOffTable;
  alerts: AlertTable;
  alert_notifications: AlertNotificationTable;
  alert_sends: AlertSendTable;
  scale_events: ScaleEventTable;
  ssh_keys: SshKeyTable;
  project_members: ProjectMemberTable;
  invitations: InvitationTable;
  webhook_deliveries: WebhookDeliveryTable;
  domains: DomainTable;
  certificates: CertificateTable;
  build_cache_images: BuildCacheImageTable;
}

export type User = Selectable<UserTable>;
export type Project = Selectable<ProjectTable>;
export type Environment = Selectable<EnvironmentTable>;
export type Service = Selectable<ServiceTable>;
export type NewService = Insertable<ServiceTable>;
export type ServiceInstance = Selectable<ServiceInstanceTable>;
export type ServiceInstanceUpdate = Updateable<ServiceInstanceTable>;
export type Deployment = Selectable<DeploymentTable>;
export type DeploymentStep = Selectable<DeploymentStepTable>;
export type Domain = Selectable<DomainTable>;
export type Certificate = Selectable<CertificateTable>;
export type DatabaseRecord = Selectable<DatabaseTable>;
export type Volume = Selectable<VolumeTable>;
export type VolumeBackup = Selectable<VolumeBackupTable>;
export type ComposeApp = Selectable<ComposeAppTable>;
export type ComposeDeployment = Selectable<ComposeDeploymentTable>;
export type ComposeDeploymentMember = Selectable<ComposeDeploymentMemberTable>;
export type NodeRecord = Selectable<NodeTable>;
export type DatabaseBackup = Selectable<DatabaseBackupTable>;
export type SshKey = Selectable<SshKeyTable>;
export type AuditEntry = Selectable<AuditEntryTable>;
export type Invitation = Selectable<InvitationTable>;
export type ChangeRequest = Selectable<ChangeRequestTable>;
export type CronJob = Selectable<CronJobTable>;
export type CronRun = Selectable<CronRunTable>;
