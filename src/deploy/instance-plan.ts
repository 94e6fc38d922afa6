// Maps an instance's stored settings to the plans the service spec takes. Pure.
import type { ServiceInstance } from '../db/schema.js';
import type { HealthPlan, ResourcePlan } from '../docker/service-spec.js';

export function healthPlan(i: ServiceInstance): HealthPlan {
  return {
    type: i.health_type,
    path: i.health_path,
    port: i.health_port ?? i.port,
    intervalS: i.health_interval_s,
    timeoutS: i.health_timeout_s,
    retries: i.health_retries,
    startPeriodS: i.health_start_period_s,
  };
}

export const resourcePlan = (i: ServiceInstance): ResourcePlan => ({
  cpuLimit: i.cpu_limit,
  memoryLimitMb: i.memory_limit_mb,
  cpuReservation: i.cpu_reservation,
  memoryReservationMb: i.memory_reservation_mb,
});

/** How long a new version may take to become healthy before it counts as failed. */
export function rolloutWindowMs(h: HealthPlan): number {
  const health = h.type === 'tcp' || h.type === 'http' ? h.startPeriodS + h.intervalS * (h.retries + 1) + h.timeoutS : 30;
  return (health + 60) * 1000;
}
