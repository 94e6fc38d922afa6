// The Metrics tab: the service's CPU, memory and network over an hour, a day, a week or 90 days,
// with its deployments marked on the time axis.
import type { MetricsView } from '../../../src/actions/metrics.js';
import { MetricsCharts } from '../../components/metrics-chart.js';
import type { ServicePageProps } from './common.js';

export function MetricsTab(props: ServicePageProps) {
  return <ServiceMetrics service={props.status} metrics={props.metrics!} />;
}

/** The charts alone: what a range link or the minute's refresh swaps in. */
export function ServiceMetrics(props: { service: { project: string; service: string; environment: string }; metrics: MetricsView }) {
  const s = props.service;
  return <MetricsCharts view={props.metrics} subject={s.service} url={(r) => `/projects/${s.project}/services/${s.service}/metrics?env=${s.environment}&range=${r}`} />;
}
