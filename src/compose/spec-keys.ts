// Every key the Compose specification defines, with what Spur does with it: `use` (it becomes part
// of the Spur service), `note` (accepted, with a word on what differs under Spur) or `refuse` (the
// file is refused, with the reason). A key the specification does not define is refused as an
// error in the file; `x-` keys are extensions and ignored, as Compose does. Pure.

export type KeyRule = { use: true } | { note: string } | { refuse: string };

const use = { use: true } as const;
const note = (why: string): KeyRule => ({ note: why });
const refuse = (why: string): KeyRule => ({ refuse: why });

const HOST_ACCESS = 'reaches into the host; Spur runs every service isolated from the server and its other tenants';
const TUNING = 'is a low-level tuning of the container that Spur does not pass to Swarm';
const USE_VARIABLES = 'Spur does not mount files into services: put the values in `environment` (they are sealed like every Spur variable)';

export const TOP_LEVEL_KEYS: Record<string, KeyRule> = {
  version: note('is obsolete in Compose and ignored'),
  name: use,
  services: use,
  volumes: use,
  networks: note('every service of a Spur project shares one private network, where each is reachable by its name'),
  configs: refuse(USE_VARIABLES),
  secrets: refuse(USE_VARIABLES),
  include: refuse('paste the included file into this one'),
  models: refuse('is not supported by Spur'),
};

export const SERVICE_KEYS: Record<string, KeyRule> = {
  image: use,
  build: use,
  command: use,
  entrypoint: use,
  environment: use,
  ports: use,
  expose: use,
  volumes: use,
  healthcheck: use,
  depends_on: use,
  deploy: use,
  cpus: use,
  mem_limit: use,
  mem_reservation: use,
  labels: use,
  restart: use,
  stop_grace_period: use,
  user: use,
  working_dir: use,
  init: use,
  container_name: note('is ignored: Spur names the Swarm service itself; other services reach it by its service name'),
  hostname: note('is ignored: other services reach it by its service name'),
  networks: note('is ignored: every service of a Spur project shares one private network'),
  links: note('is ignored: every service is reachable by its name on the project network'),
  logging: note('is ignored: Spur keeps every service\'s logs itself'),
  pull_policy: note('is ignored: Swarm pulls the image when the node lacks it'),
  platform: note('is ignored: the image runs on the server\'s platform'),
  stdin_open: note('is ignored: a Spur service has no terminal attached'),
  tty: note('is ignored: a Spur service has no terminal attached'),
  stop_signal: note('is ignored: Swarm stops a task with SIGTERM, then SIGKILL after the grace period'),
  env_file: refuse('Spur has no files beside the Compose file: put the variables in `environment`, or in the .env given with it'),
  privileged: refuse(HOST_ACCESS),
  network_mode: refuse(HOST_ACCESS),
  pid: refuse(HOST_ACCESS),
  ipc: refuse(HOST_ACCESS),
  uts: refuse(HOST_ACCESS),
  userns_mode: refuse(HOST_ACCESS),
  cgroup: refuse(HOST_ACCESS),
  cgroup_parent: refuse(HOST_ACCESS),
  devices: refuse(HOST_ACCESS),
  device_cgroup_rules: refuse(HOST_ACCESS),
  gpus: refuse(HOST_ACCESS),
  cap_add: refuse(HOST_ACCESS),
  security_opt: refuse(HOST_ACCESS),
  use_api_socket: refuse(HOST_ACCESS),
  volumes_from: refuse('another service\'s volumes are its own in Spur: give this one a named volume'),
  external_links: refuse('reaches containers outside the project; Spur keeps projects apart'),
  extra_hosts: refuse('is not supported by Spur'),
  dns: refuse('is not supported by Spur'),
  dns_opt: refuse('is not supported by Spur'),
  dns_search: refuse('is not supported by Spur'),
  domainname: refuse('is not supported by Spur'),
  mac_address: refuse('is not supported by Spur'),
  runtime: refuse('is not supported by Spur'),
  isolation: refuse('is not supported by Spur'),
  credential_spec: refuse('is not supported by Spur'),
  configs: refuse(USE_VARIABLES),
  secrets: refuse(USE_VARIABLES),
  extends: refuse('copy the extended service\'s keys into this one'),
  profiles: refuse('Spur runs every service of the file: remove the ones not wanted'),
  scale: refuse('write deploy.replicas'),
  develop: refuse('is for local development; Spur deploys from the image or the repository'),
  provider: refuse('is not supported by Spur'),
  models: refuse('is not supported by Spur'),
  attach: refuse('is not supported by Spur'),
  post_start: refuse('is not supported by Spur'),
  pre_stop: refuse('is not supported by Spur'),
  annotations: refuse('is not supported by Spur'),
  label_file: refuse('write the labels under `labels`'),
  group_add: refuse('is not supported by Spur'),
  read_only: refuse('is not supported by Spur'),
  tmpfs: refuse('is not supported by Spur: give the service a named volume'),
  shm_size: refuse(TUNING),
  sysctls: refuse(TUNING),
  ulimits: refuse(TUNING),
  storage_opt: refuse(TUNING),
  oom_kill_disable: refuse(TUNING),
  oom_score_adj: refuse(TUNING),
  pids_limit: refuse(TUNING),
  mem_swappiness: refuse(TUNING),
  memswap_limit: refuse(TUNING),
  cpu_count: refuse('write `cpus`'),
  cpu_percent: refuse('write `cpus`'),
  cpu_shares: refuse('write `cpus`'),
  cpu_period: refuse('write `cpus`'),
  cpu_quota: refuse('write `cpus`'),
  cpu_rt_period: refuse(TUNING),
  cpu_rt_runtime: refuse(TUNING),
  cpuset: refuse(TUNING),
  blkio_config: refuse(TUNING),
  driver_opts: refuse(TUNING),
};

export const DEPLOY_KEYS: Record<string, KeyRule> = {
  replicas: use,
  resources: use,
  restart_policy: use,
  mode: use,
  labels: note('is ignored: Spur writes the Swarm service\'s labels itself'),
  endpoint_mode: note('is ignored: Spur chooses the endpoint mode'),
  update_config: note('is ignored: Spur starts the new version first and stops the old once it is healthy'),
  rollback_config: note('is ignored: Spur rolls a failed update back itself'),
  placement: note('is ignored: choose the server in the service\'s Spur settings'),
};

export const HEALTHCHECK_KEYS = new Set(['test', 'interval', 'timeout', 'retries', 'start_period', 'start_interval', 'disable']);
export const VOLUME_KEYS: Record<string, KeyRule> = {
  name: note('is ignored: Spur names the Docker volume itself'),
  driver: refuse('Spur keeps volumes with Docker\'s local driver on the service\'s server'),
  driver_opts: refuse('Spur keeps volumes with Docker\'s local driver on the service\'s server'),
  external: refuse('Spur makes the volumes its services use; a volume made outside Spur is not mounted'),
  labels: note('is ignored: Spur labels its volumes itself'),
};

/** The rule for `key` among `rules`; undefined for a key the specification does not define. */
export function ruleFor(rules: Record<string, KeyRule>, key: string): KeyRule | undefined {
  return Object.hasOwn(rules, key) ? rules[key] : undefined;
}
