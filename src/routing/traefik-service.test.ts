import { describe, expect, it } from 'vitest';
import { traefikServiceSpec } from './traefik-service.js';

describe('traefikServiceSpec', () => {
  const spec = traefikServiceSpec({ image: 'traefik:v3.6.13', traefikDir: '/var/lib/spur/traefik' });

  it('is labelled as Spur\'s own Traefik, on the service and its containers', () => {
    expect(spec.Labels).toEqual({ 'spur.managed': 'true', 'spur.role': 'traefik' });
    expect(spec.TaskTemplate.ContainerSpec.Labels).toEqual({ 'spur.managed': 'true' });
    expect(spec.TaskTemplate.ContainerSpec.Image).toBe('traefik:v3.6.13');
  });

  it('replaces its task stop-first, as host-mode ports require, and rolls back a Traefik that does not stay up', () => {
    expect(spec.EndpointSpec.Ports.map((p) => p.PublishMode)).toEqual(['host', 'host']);
    expect(spec.UpdateConfig).toEqual({ Parallelism: 1, Order: 'stop-first', FailureAction: 'rollback', Monitor: 10_000_000_000 });
    expect(spec.RollbackConfig).toEqual({ Parallelism: 1, Order: 'stop-first' });
  });
});
