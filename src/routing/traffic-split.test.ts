import { describe, expect, it } from 'vitest';
import { traefikLabels } from './traefik-labels.js';
import { SPLIT_FILE, nextServiceName, routesThroughSplit, splitConfig, splitFileName, splitLabels } from './traffic-split.js';

const name = 'spur_shop_web_production';
const labels = traefikLabels({ name, domains: ['web.shop.example'], secureDomains: ['shop.example'], hstsDomains: [], redirects: [], port: 3000 });

describe('a split of the traffic', () => {
  it('weighs the old and the new version in percent, each a server on its service name, never a Swarm-provider service', () => {
    const config = splitConfig(name, 10, 3000);
    expect(config.http.services[`${name}-split`]).toEqual({ weighted: { services: [{ name: `${name}-old`, weight: 90 }, { name: `${name}-new`, weight: 10 }] } });
    expect(config.http.services[`${name}-old`]).toEqual({ loadBalancer: { servers: [{ url: `http://${name}:3000` }] } });
    expect(config.http.services[`${name}-new`]).toEqual({ loadBalancer: { servers: [{ url: `http://${name}_new:3000` }] } });
    expect(JSON.stringify(config)).not.toContain('@swarm');
    expect(() => splitConfig(name, 101, 3000)).toThrow();
    expect(() => splitConfig(name, 2.5, 3000)).toThrow();
  });

  it('points every router of the instance at the split, keeping rules and middlewares', () => {
    const split = splitLabels(labels, name);
    const routerServices = Object.entries(split).filter(([k]) => k.endsWith('.service'));
    expect(routerServices.length).toBeGreaterThan(1);
    expect(routerServices.every(([, v]) => v === `${name}-split@file`)).toBe(true);
    expect(split[`traefik.http.routers.${name}.rule`]).toBe(labels[`traefik.http.routers.${name}.rule`]);
    expect([routesThroughSplit(split, name), routesThroughSplit(labels, name)]).toEqual([true, false]);
  });

  it('names the new version so that no instance can be named so, within Swarm\'s 63 characters', () => {
    expect(nextServiceName(name).split('_')).toHaveLength(5);
    expect(nextServiceName(`spur_${'p'.repeat(20)}_${'s'.repeat(20)}_${'e'.repeat(12)}`).length).toBeLessThanOrEqual(63);
    expect(SPLIT_FILE.exec(splitFileName(name))?.[1]).toBe(name);
  });
});
