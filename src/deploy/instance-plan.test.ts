import { describe, expect, it } from 'vitest';
import type { ServiceInstance } from '../db/schema.js';
import { commandText, containerPlan, describeHealth, healthPlan, rolloutWindowMs, runsCheck } from './instance-plan.js';

const instance = (health_type: ServiceInstance['health_type']) =>
  ({ health_type, health_path: null, health_port: null, port: 3000, health_interval_s: 3, health_timeout_s: 3, health_retries: 3, health_start_period_s: 30 }) as ServiceInstance;
const imageCheck = { Test: ['CMD-SHELL', 'curl -f localhost'], Interval: 10e9, Retries: 5 };

describe('healthPlan', () => {
  it("resolves auto to the image's HEALTHCHECK with its timings, or to TCP when the image has none", () => {
    expect(healthPlan(instance('auto'), imageCheck)).toMatchObject({ type: 'image', intervalS: 10, timeoutS: 30, retries: 5, startPeriodS: 0 });
    expect(healthPlan(instance('auto'), null)).toMatchObject({ type: 'tcp', intervalS: 3, port: 3000 });
    expect(healthPlan(instance('auto'), { Test: ['NONE'] })).toMatchObject({ type: 'tcp' });
  });
  it('keeps an explicit choice', () => {
    expect(healthPlan(instance('tcp'), imageCheck).type).toBe('tcp');
    expect(healthPlan(instance('none'), imageCheck).type).toBe('none');
  });
  it("gives an image check the time its own timings need", () => {
    expect(rolloutWindowMs(healthPlan(instance('auto'), imageCheck))).toBe((0 + 10 * 6 + 30 + 60) * 1000);
  });
  it('gives every replica after the first a health window of its own (Swarm replaces one at a time)', () => {
    const plan = healthPlan(instance('tcp'), null);
    const one = rolloutWindowMs(plan, 1);
    expect(one).toBe((30 + 3 * 4 + 3 + 60) * 1000);
    expect(rolloutWindowMs(plan, 3)).toBe(one + 2 * (30 + 3 * 4 + 3 + 1) * 1000);
  });
  it('knows when a check runs, so that a running task has passed it', () => {
    expect(runsCheck(healthPlan(instance('auto'), null), null)).toBe(true);
    expect(runsCheck(healthPlan(instance('auto'), imageCheck), imageCheck)).toBe(true);
    expect(runsCheck(healthPlan(instance('image'), null), null)).toBe(false);
    expect(runsCheck(healthPlan(instance('none'), null), null)).toBe(false);
  });
  it('says which check runs', () => {
    expect(describeHealth(healthPlan(instance('auto'), imageCheck), imageCheck)).toBe("the image's HEALTHCHECK (curl -f localhost)");
    expect(describeHealth(healthPlan(instance('auto'), null), null)).toBe('TCP port 3000');
  });
});

describe('a command check and the container', () => {
  const commanded = { ...instance('command'), health_command: JSON.stringify(['CMD', 'pg_isready', '-U', 'my app']) } as ServiceInstance;
  it('runs the stored command with the instance timings, and says so as it would be written', () => {
    const plan = healthPlan(commanded, imageCheck);
    expect(plan).toMatchObject({ type: 'command', command: ['CMD', 'pg_isready', '-U', 'my app'], intervalS: 3, retries: 3 });
    expect(runsCheck(plan, null)).toBe(true);
    // The log says which kind of check, never the command: it may hold a password.
    expect(describeHealth(plan, null)).toBe('a command in the container (run without a shell)');
    expect(describeHealth(healthPlan({ ...commanded, health_command: JSON.stringify(['CMD-SHELL', 'redis-cli -a s3cret ping']) }, null), null)).toBe("a command in the container (run by the container's shell)");
  });
  it("maps the stored command, entrypoint, labels, user, directory and init; nothing stored is the image's", () => {
    const i = { ...instance('none'), container_command: '["worker.js","--queue","a b"]', container_entrypoint: '["node"]', container_labels: '{"team":"shop"}', container_user: '1000', container_workdir: '/app', container_init: 1 } as ServiceInstance;
    expect(containerPlan(i)).toEqual({ args: ['worker.js', '--queue', 'a b'], entrypoint: ['node'], labels: { team: 'shop' }, user: '1000', workdir: '/app', init: true });
    expect(commandText(i.container_command)).toBe("worker.js --queue 'a b'");
    expect(containerPlan({ ...instance('none'), container_command: null, container_entrypoint: null, container_labels: null, container_user: null, container_workdir: null, container_init: 0 } as ServiceInstance)).toEqual({ args: null, entrypoint: null, labels: undefined, user: null, workdir: null, init: false });
  });
});
