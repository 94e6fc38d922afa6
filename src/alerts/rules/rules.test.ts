import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../store/metrics.js';
import { planAlerts } from '../plan.js';
import { BUILT_IN_RULES, builtInRule } from './index.js';
import type { AlertSnapshot, ServiceFacts } from './snapshot.js';
import { thresholdConditions, thresholdPolicy } from './threshold.js';

const MIB = 1048576;
const web: ServiceFacts = { series: 'spur_shop_web_production', projectId: 1, project: 'shop', name: 'web', environment: 'production', replicas: 2, cpuLimit: 0.5, running: 2, lastDeployment: { id: 7, status: 'active', reason: null }, serving: true, deploying: false };
const point = (p: Partial<MetricPoint>): MetricPoint => ({ at: 0, cpu: 0, cpu_max: 0, memory: 10 * MIB, memory_max: 10 * MIB, memory_limit: null, rx: 0, tx: 0, tasks: 2, ...p });
const snapshot = (s: Partial<AlertSnapshot> = {}): AlertSnapshot => ({ nowS: 1000, docker: true, services: [web], databases: [], servers: [{ name: 'manager', series: 'node:abc', status: 'ready' }], points: new Map(), recentExits: new Map(), certificates: [], backups: [], jobs: [], ...s });
const fired = (s: AlertSnapshot) => BUILT_IN_RULES.flatMap((r) => r.conditions(s).map((c) => c.key));

describe('built-in rules', () => {
  it('hold for nothing on a healthy installation', () => {
    expect(fired(snapshot({ points: new Map([[web.series, point({ cpu: 200, memory_limit: 512 * MIB })], ['node:abc', point({ disk: 50, disk_size: 100 })]]) }))).toEqual([]);
  });

  it('say a failed deploy by its kind only, not Docker\'s words (they can quote the app)', () => {
    const [c] = builtInRule('deploy-failed')!.conditions(snapshot({ services: [{ ...web, lastDeployment: { id: 8, status: 'failed', reason: 'build failed: RUN echo TOKEN=abc123 returned 1' } }] }));
    expect(c).toMatchObject({ key: 'deploy-failed:spur_shop_web_production', title: 'web (shop, production): deploy #8 failed', path: '/projects/shop/services/web' });
    expect(c!.text).toMatch(/^build failed\. /);
    expect(c!.text).not.toContain('abc123');
  });

  it('see memory over 90% of the limit, CPU at its limit, a full disk, a crash loop, missing replicas, a server down', () => {
    const s = snapshot({
      services: [{ ...web, running: 1, problem: 'task exited with code 1' }],
      points: new Map([[web.series, point({ cpu: 960, memory: 470 * MIB, memory_limit: 512 * MIB })], ['node:abc', point({ disk: 86, disk_size: 100 })]]),
      recentExits: new Map([[web.series, 3]]),
      servers: [{ name: 'manager', series: 'node:abc', status: 'ready' }, { name: 'n2', series: 'node:def', status: 'down' }],
    });
    expect(fired(s).sort()).toEqual(['cpu:spur_shop_web_production', 'crash-loop:spur_shop_web_production', 'disk:manager', 'memory:spur_shop_web_production', 'replicas:spur_shop_web_production', 'server:n2']);
  });

  it("see a scheduled job whose newest run failed or timed out, not one that succeeded since", () => {
    const job = (name: string, status: string, reason: string | null) => ({ projectId: 1, project: 'shop', service: 'web', environment: 'production', job: name, run: { id: 4, status, reason } });
    const s = snapshot({ jobs: [job('report', 'failed', 'exited with 3'), job('cleanup', 'timed-out', 'ran longer than 60 s and was stopped'), job('mail', 'succeeded', null)] });
    const conditions = builtInRule('job-failed')!.conditions(s);
    expect(conditions.map((c) => c.key)).toEqual(['job-failed:shop/web/production/report', 'job-failed:shop/web/production/cleanup']);
    expect(conditions[0]).toMatchObject({ title: 'Job report of web (shop, production): run #4 failed', path: '/projects/shop/services/web/jobs?env=production' });
    expect(conditions[0]!.text).toMatch(/^exited with 3\. /);
    expect(conditions[1]!.title).toContain('timed out');
  });

  it('do not count replicas missing while a deployment is under way', () => {
    expect(fired(snapshot({ services: [{ ...web, running: 0, deploying: true }] }))).toEqual([]);
  });
});

describe('threshold rules', () => {
  const rule = { id: 4, projectId: 1, name: 'busy', target: 'services' as const, subject: null, metric: 'cpu', op: '>' as const, value: 0.1, forS: 0 };
  it('compare the metric in its unit, for the rule\'s project only', () => {
    const s = snapshot({ services: [web, { ...web, series: 'spur_blog_web_production', projectId: 2, project: 'blog' }], points: new Map([[web.series, point({ cpu: 250 })], ['spur_blog_web_production', point({ cpu: 900 })]]) });
    expect(thresholdConditions(rule, s)).toEqual([expect.objectContaining({ key: 'rule-4:spur_shop_web_production', projectId: 1, title: 'web (shop, production): cpu 0.25 cores (busy)' })]);
    expect(thresholdConditions({ ...rule, op: '<', value: 0.3 }, s).map((c) => c.key)).toEqual(['rule-4:spur_shop_web_production']);
    expect(thresholdConditions({ ...rule, metric: 'disk_percent' }, s)).toEqual([]);
  });
});

describe('a minute of alerts', () => {
  const policyOf = (rule: string) => builtInRule(rule)?.policy ?? thresholdPolicy({ forS: 0 });
  const cond = { key: 'rule-4:x', projectId: 1, title: 'x is busy', text: 't', path: '/p' };
  it('opens and sends a rule with no wait, resolves it after its clear time, and drops an unread rule\'s alert from nothing', () => {
    const first = planAlerts([], [{ rule: 'rule-4', condition: cond }], { nowS: 100, policyOf, unread: () => false });
    expect(first.sends).toEqual([expect.objectContaining({ key: 'rule-4:x', state: 'firing' })]);
    expect(first.changes).toEqual([{ open: expect.objectContaining({ key: 'rule-4:x', firing: 1, fired_at: 100 }) }]);
    const open = { id: 1, ...(first.changes[0] as { open: any }).open };
    const quiet = planAlerts([open], [], { nowS: 160, policyOf, unread: () => false });
    expect(quiet.sends).toEqual([]);
    const later = planAlerts([{ ...open, clear_since: 160 }], [], { nowS: 280, policyOf, unread: () => false });
    expect(later.sends).toEqual([expect.objectContaining({ key: 'rule-4:x', state: 'resolved', id: 1 })]);
    expect(later.changes).toEqual([{ id: 1, set: { resolved_at: 280 } }]);
    // Docker away: its rules' alerts stay as they are.
    expect(planAlerts([open], [], { nowS: 400, policyOf, unread: () => true })).toEqual({ changes: [], sends: [] });
  });
});
