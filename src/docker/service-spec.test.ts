import { describe, expect, it } from 'vitest';
import { generatedDomain, imageTag, projectNetworkName, swarmServiceName, wantedDomainLabel } from './names.js';
import { type ServiceSpecInput, healthCheck, serviceSpec, serviceVolumeName } from './service-spec.js';

const ref = { project: 'shop', service: 'web', environment: 'production' };

describe('names', () => {
  it('derives Docker names from validated resource names', () => {
    expect(swarmServiceName(ref)).toBe('spur_shop_web_production');
    expect(projectNetworkName(ref)).toBe('spur_shop_production');
    expect(imageTag(ref, 42, 'a1b2c3')).toBe('spur/shop/web:42-a1b2c3');
  });
  it('gives services whose joined names look alike different image repositories', () => {
    expect(imageTag({ project: 'shop', service: 'web-api' }, 1, 'n')).not.toBe(imageTag({ project: 'shop-web', service: 'api' }, 1, 'n'));
  });
  it('keeps the longest names within 63 characters', () => {
    const long = { project: 'p'.repeat(20), service: 's'.repeat(20), environment: 'e'.repeat(12) };
    expect(swarmServiceName(long).length).toBeLessThanOrEqual(63);
    // Room is left for the `-2`, `-3` … the store adds when a label is taken.
    expect(wantedDomainLabel(long).length).toBeLessThanOrEqual(63 - 8);
  });
  it('omits the environment from production domains only', () => {
    expect(generatedDomain(wantedDomainLabel(ref), '1.2.3.4.sslip.io')).toBe('web-shop.1.2.3.4.sslip.io');
    expect(wantedDomainLabel({ ...ref, environment: 'staging' })).toBe('web-shop-staging');
  });
});

const base: Omit<ServiceSpecInput, 'project' | 'service' | 'environment'> = {
  deploymentId: 1,
  image: 'x',
  replicas: 1,
  port: 80,
  variables: {},
  routingLabels: {},
  health: { type: 'tcp', port: 80, intervalS: 3, timeoutS: 3, retries: 3, startPeriodS: 30 },
  resources: {},
  restart: { condition: 'any', maxAttempts: 0 },
  stopGraceS: 10,
  probePath: '/var/lib/spur/bin/spur-probe',
  installId: 'inst1',
};

describe('serviceSpec', () => {
  it('builds the whole Swarm spec', () => {
    const spec = serviceSpec({
      ...base,
      ...ref,
      deploymentId: 7,
      image: 'spur/shop-web:7',
      replicas: 2,
      port: 8080,
      variables: { GREETING: 'hi', PORT: '1' },
      routingLabels: { 'traefik.enable': 'true' },
      health: { type: 'http', path: '/health', port: 8080, intervalS: 5, timeoutS: 2, retries: 4, startPeriodS: 20 },
      resources: { cpuLimit: 0.5, memoryLimitMb: 256, memoryReservationMb: 64 },
      restart: { condition: 'on-failure', maxAttempts: 5 },
      stopGraceS: 15,
    });
    const owned = { 'spur.managed': 'true', 'spur.project': 'shop', 'spur.service': 'web', 'spur.environment': 'production', 'spur.deployment': '7' };
    expect(spec).toEqual({
      Name: 'spur_shop_web_production',
      Labels: { ...owned, 'spur.install': 'inst1', 'traefik.enable': 'true' },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'spur/shop-web:7',
          Env: ['GREETING=hi', 'PORT=8080', 'SPUR_PROJECT=shop', 'SPUR_SERVICE=web', 'SPUR_ENVIRONMENT=production', 'SPUR_DEPLOYMENT_ID=7'],
          Labels: owned,
          HealthCheck: { Test: ['CMD', '/spur/probe', 'watch', '5000', '4', '2000', '600', '20', 'http', '8080', '/health'], Interval: 200e6, Timeout: 675e9, Retries: 4, StartPeriod: 20e9 },
          Mounts: [{ Type: 'bind', Source: '/var/lib/spur/bin/spur-probe', Target: '/spur/probe', ReadOnly: true }],
          StopGracePeriod: 15e9,
        },
        Resources: { Limits: { NanoCPUs: 5e8, MemoryBytes: 256 * 1024 * 1024 }, Reservations: { MemoryBytes: 64 * 1024 * 1024 } },
        RestartPolicy: { Condition: 'on-failure', Delay: 2_000_000_000, MaxAttempts: 5 },
        Networks: [{ Target: 'spur_shop_production', Aliases: ['web'] }, { Target: 'spur-edge' }],
        ForceUpdate: 7,
      },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 1, Order: 'start-first', FailureAction: 'rollback', Monitor: 1e9, MaxFailureRatio: 0 },
      RollbackConfig: { Parallelism: 1, Order: 'start-first', FailureAction: 'pause', Monitor: 1e9, MaxFailureRatio: 0 },
      EndpointSpec: { Mode: 'dnsrr' },
    });
  });
  it('mounts named volumes (the Docker volumes recorded for them) beside the probe, and then updates stop-first', () => {
    const spec = serviceSpec({ ...base, ...ref, volumes: [{ source: `${swarmServiceName(ref)}_v_uploads_0a1b2c3d4e5f`, mountPath: '/app/uploads' }] });
    expect(spec.TaskTemplate.ContainerSpec.Mounts).toEqual([
      { Type: 'bind', Source: '/var/lib/spur/bin/spur-probe', Target: '/spur/probe', ReadOnly: true },
      { Type: 'volume', Source: `${spec.Name}_v_uploads_0a1b2c3d4e5f`, Target: '/app/uploads', ReadOnly: false, VolumeOptions: { Labels: { 'spur.managed': 'true', 'spur.project': ref.project, 'spur.service': ref.service, 'spur.environment': ref.environment } } },
    ]);
    expect(spec.UpdateConfig.Order).toBe('stop-first');
    expect(spec.RollbackConfig.Order).toBe('stop-first');
    expect(serviceSpec({ ...base, ...ref }).UpdateConfig.Order).toBe('start-first');
  });
  it('names a new volume\'s Docker volume with the random part it is given, so equal names never meet', () => {
    expect(serviceVolumeName({ project: 'shop', service: 'web', environment: 'production' }, 'data', '0a1b2c3d4e5f')).toBe('spur_shop_web_production_v_data_0a1b2c3d4e5f');
    expect(serviceVolumeName({ project: 'shop', service: 'web', environment: 'production' }, 'data', 'ffffffffffff')).not.toBe(serviceVolumeName({ project: 'shop', service: 'web', environment: 'production' }, 'data', '0a1b2c3d4e5f'));
  });

  it('passes values with shell characters through untouched, as Env entries', () => {
    const spec = serviceSpec({ ...base, ...ref, variables: { A: '$(rm -rf /); `x` "y"' } });
    expect(spec.TaskTemplate.ContainerSpec.Env[0]).toBe('A=$(rm -rf /); `x` "y"');
  });
});

describe('healthCheck', () => {
  const plan = { port: 3000, intervalS: 3, timeoutS: 3, retries: 3, startPeriodS: 30 };
  it('runs the mounted probe as an exec array, never through a shell', () => {
    expect(healthCheck({ ...plan, type: 'tcp' })!.Test).toEqual(['CMD', '/spur/probe', 'watch', '3000', '3', '3000', '600', '30', 'tcp', '3000']);
    expect(healthCheck({ ...plan, type: 'http', path: '/h?x=$(id)' })!.Test).toEqual(['CMD', '/spur/probe', 'watch', '3000', '3', '3000', '600', '30', 'http', '3000', '/h?x=$(id)']);
  });
  it('is started by Docker often but rarely: its probe stays, checking at the interval', () => {
    const check = healthCheck({ ...plan, type: 'tcp' })!;
    expect(check.Interval).toBe(200e6);
    expect(check.Retries).toBe(3);
    expect(check.Timeout!).toBeGreaterThan(600e9);
  });
  it("keeps the image's own check, or turns checks off", () => {
    expect(healthCheck({ ...plan, type: 'image' })).toBeUndefined();
    expect(healthCheck({ ...plan, type: 'image', image: { test: ['CMD', 'true'], serviceStartPeriodS: 30 } })).toBeUndefined();
    expect(healthCheck({ ...plan, type: 'none' })).toEqual({ Test: ['NONE'] });
  });
  it("runs an image's own check every second while the task starts where the daemon has start intervals (API 1.44)", () => {
    const image = { ...plan, type: 'image' as const, intervalS: 30, timeoutS: 5, retries: 2, startPeriodS: 0, image: { test: ['CMD-SHELL', 'curl -f localhost'], serviceStartPeriodS: 30 } };
    expect(healthCheck(image, { startInterval: true })).toEqual({ Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 30e9, Timeout: 5e9, Retries: 2, StartPeriod: 30e9, StartInterval: 1e9 });
    expect(healthCheck({ ...image, startPeriodS: 90 }, { startInterval: true })!.StartPeriod).toBe(90e9);
    // Spur's own probe is started 200 ms after the task starts there too (Docker 25 would wait 5 s).
    expect(healthCheck({ ...plan, type: 'tcp' }, { startInterval: true })).toEqual({ ...healthCheck({ ...plan, type: 'tcp' }), StartInterval: 200e6 });
    expect(healthCheck({ ...plan, type: 'tcp' })).not.toHaveProperty('StartInterval');
  });
  it('mounts the probe only when a check uses it', () => {
    const ref = { project: 'p', service: 's', environment: 'production' };
    expect(serviceSpec({ ...base, ...ref, health: { ...plan, type: 'image' } }).TaskTemplate.ContainerSpec.Mounts).toBeUndefined();
  });
});

describe('what a service sets on its container', () => {
  it('passes command, entrypoint, user, directory and init, and keeps its own labels over the service\'s', () => {
    const spec = serviceSpec({ ...base, ...ref, container: { args: ['worker.js'], entrypoint: ['node'], user: '1000:1000', workdir: '/app', init: true, labels: { team: 'shop', 'spur.project': 'other' } } });
    const c = spec.TaskTemplate.ContainerSpec;
    expect(c).toMatchObject({ Command: ['node'], Args: ['worker.js'], User: '1000:1000', Dir: '/app', Init: true });
    expect(c.Labels).toMatchObject({ team: 'shop', 'spur.project': 'shop' });
  });
  it("leaves the image's defaults when nothing is set", () => {
    const c = serviceSpec({ ...base, ...ref, container: { args: null, entrypoint: null, user: null, workdir: null, init: false } }).TaskTemplate.ContainerSpec;
    for (const key of ['Command', 'Args', 'User', 'Dir', 'Init']) expect(c).not.toHaveProperty(key);
  });
  it('runs a command check with its own timings', () => {
    expect(healthCheck({ type: 'command', command: ['CMD-SHELL', 'pg_isready'], port: 80, intervalS: 2, timeoutS: 1, retries: 5, startPeriodS: 10 })).toEqual({ Test: ['CMD-SHELL', 'pg_isready'], Interval: 2e9, Timeout: 1e9, Retries: 5, StartPeriod: 10e9 });
  });
});
