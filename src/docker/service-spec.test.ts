import { describe, expect, it } from 'vitest';
import { generatedDomain, imageTag, projectNetworkName, swarmServiceName } from './names.js';
import { serviceSpec } from './service-spec.js';

const ref = { project: 'shop', service: 'web', environment: 'production' };

describe('names', () => {
  it('derives Docker names from validated resource names', () => {
    expect(swarmServiceName(ref)).toBe('spur_shop_web_production');
    expect(projectNetworkName(ref)).toBe('spur_shop_production');
    expect(imageTag(ref, 42)).toBe('spur/shop-web:42');
  });
  it('keeps the longest names within 63 characters', () => {
    const long = { project: 'p'.repeat(20), service: 's'.repeat(20), environment: 'e'.repeat(12) };
    expect(swarmServiceName(long).length).toBeLessThanOrEqual(63);
    expect(generatedDomain(long, 'x.io').split('.')[0].length).toBeLessThanOrEqual(63);
  });
  it('omits the environment from production domains only', () => {
    expect(generatedDomain(ref, '1.2.3.4.sslip.io')).toBe('web-shop.1.2.3.4.sslip.io');
    expect(generatedDomain({ ...ref, environment: 'staging' }, 'example.com')).toBe('web-shop-staging.example.com');
  });
});

describe('serviceSpec', () => {
  it('builds the whole Swarm spec', () => {
    const spec = serviceSpec({ ...ref, deploymentId: 7, image: 'spur/shop-web:7', replicas: 2, port: 8080, variables: { GREETING: 'hi', PORT: '1' }, routingLabels: { 'traefik.enable': 'true' } });
    const owned = { 'spur.managed': 'true', 'spur.project': 'shop', 'spur.service': 'web', 'spur.environment': 'production', 'spur.deployment': '7' };
    expect(spec).toEqual({
      Name: 'spur_shop_web_production',
      Labels: { ...owned, 'traefik.enable': 'true' },
      TaskTemplate: {
        ContainerSpec: {
          Image: 'spur/shop-web:7',
          Env: ['GREETING=hi', 'PORT=8080', 'SPUR_PROJECT=shop', 'SPUR_SERVICE=web', 'SPUR_ENVIRONMENT=production', 'SPUR_DEPLOYMENT_ID=7'],
          Labels: owned,
        },
        RestartPolicy: { Condition: 'any', Delay: 2_000_000_000, MaxAttempts: 0 },
        Networks: [{ Target: 'spur_shop_production', Aliases: ['web'] }, { Target: 'spur-edge' }],
        ForceUpdate: 7,
      },
      Mode: { Replicated: { Replicas: 2 } },
      UpdateConfig: { Parallelism: 1, Order: 'start-first', FailureAction: 'pause', Monitor: 5_000_000_000 },
      EndpointSpec: { Mode: 'dnsrr' },
    });
  });
  it('passes values with shell characters through untouched, as Env entries', () => {
    const spec = serviceSpec({ ...ref, deploymentId: 1, image: 'x', replicas: 1, port: 80, variables: { A: '$(rm -rf /); `x` "y"' }, routingLabels: {} });
    expect(spec.TaskTemplate.ContainerSpec.Env[0]).toBe('A=$(rm -rf /); `x` "y"');
  });
});
