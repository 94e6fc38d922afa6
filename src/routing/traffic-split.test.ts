import { describe, expect, it } from 'vitest';
import { traefikLabels } from './traefik-labels.js';
import { nextServiceName, nextVersionLabels, routesThroughSplit, splitConfig, splitLabels } from './traffic-split.js';

const name = 'spur_shop_web_production';
const labels = traefikLabels({ name, domains: ['web.shop.example'], secureDomains: ['shop.example'], hstsDomains: [], redirects: [], port: 3000 });

describe('a split of the traffic', () => {
  it('weighs the old and the new version in percent, and nothing else', () => {
    expect(splitConfig(name, 10)).toEqual({ http: { services: { [`${name}-split`]: { weighted: { services: [{ name: `${name}@swarm`, weight: 90 }, { name: `${name}_next@swarm`, weight: 10 }] } } } } });
    expect(splitConfig(name, 100).http.services[`${name}-split`].weighted.services.map((s) => s.weight)).toEqual([0, 100]);
    expect(() => splitConfig(name, 101)).toThrow();
    expect(() => splitConfig(name, 2.5)).toThrow();
  });

  it('points every router of the instance at the split, keeping rules and middlewares', () => {
    const split = splitLabels(labels, name);
    const routerServices = Object.entries(split).filter(([k]) => k.endsWith('.service'));
    expect(routerServices.length).toBeGreaterThan(1);
    expect(routerServices.every(([, v]) => v === `${name}-split@file`)).toBe(true);
    expect(split[`traefik.http.routers.${name}.rule`]).toBe(labels[`traefik.http.routers.${name}.rule`]);
    expect(split[`traefik.http.services.${name}.loadbalancer.server.port`]).toBe('3000');
    expect([routesThroughSplit(split, name), routesThroughSplit(labels, name)]).toEqual([true, false]);
  });

  it('gives the new version a Traefik service and no router, under a name no instance can have', () => {
    const next = nextVersionLabels(name, 3000);
    expect(Object.keys(next).some((k) => k.includes('.routers.'))).toBe(false);
    expect(next[`traefik.http.services.${name}_next.loadbalancer.server.port`]).toBe('3000');
    expect(nextServiceName(name).split('_')).toHaveLength(5);
  });
});
