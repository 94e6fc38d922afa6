import { describe, expect, it } from 'vitest';
import { releaseContainerSpec } from './one-off-spec.js';

describe('releaseContainerSpec', () => {
  const spec = releaseContainerSpec({
    project: 'shop', service: 'web', environment: 'production', deploymentId: 12, image: 'spur/shop/web:12-abc', command: ['node', 'migrate.js'],
    port: 3000, variables: { DATABASE_URL: 'postgres://x', PORT: '1' }, resources: { memoryLimitMb: 256, cpuLimit: 0.5 }, volumes: [{ source: 'spur_shop_web_production_v_data_0a1b2c3d4e5f', mountPath: '/data' }], installId: 'i1',
  });

  it('runs the words as the command, with the variables (the platform\'s win) on the project network, with no alias and no routing labels', () => {
    expect(spec.name).toBe('spur_shop_web_production-release-12');
    expect(spec.Cmd).toEqual(['node', 'migrate.js']);
    expect(spec.Env).toEqual(expect.arrayContaining(['DATABASE_URL=postgres://x', 'PORT=3000', 'SPUR_DEPLOYMENT_ID=12']));
    expect(spec.Env).not.toContain('PORT=1');
    expect(spec.HostConfig.NetworkMode).toBe('spur_shop_production');
    expect(Object.keys(spec.Labels).some((k) => k.startsWith('traefik'))).toBe(false);
    expect(spec.Labels).toMatchObject({ 'spur.release': '12', 'spur.install': 'i1', 'spur.managed': 'true' });
  });

  it('mounts the service\'s volumes and keeps its limits', () => {
    expect(spec.HostConfig.Mounts).toEqual([{ Type: 'volume', Source: 'spur_shop_web_production_v_data_0a1b2c3d4e5f', Target: '/data', ReadOnly: false, VolumeOptions: { NoCopy: false, Labels: { 'spur.managed': 'true', 'spur.project': 'shop', 'spur.service': 'web', 'spur.environment': 'production' }, DriverConfig: { Name: '', Options: {} } } }]);
    expect(spec.HostConfig).toMatchObject({ Memory: 256 * 1024 * 1024, NanoCpus: 5e8 });
  });
});
