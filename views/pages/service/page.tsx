// One service in one environment, in tabs that each have their own URL. The status regions and
// the "changes pending" banner stay live (views/components/live.tsx).
import { StateMark } from '../../components/state-mark.js';
import { StatusBadge } from '../../components/deployment.js';
import { Live, LiveSource } from '../../components/live.js';
import { CsrfField, Layout } from '../../layout.js';
import { actionAttrs, actionWords } from '../../../src/actions/words.js';
import { SERVICE_TABS, type ServiceTab, serviceTabUrl } from '../../../src/actions/page-data.js';
import { type ServicePageProps, paths } from './common.js';
import { DeploymentsTab } from './deployments.js';
import { JobsTab } from './jobs.js';
import { LogsTab } from './logs.js';
import { MetricsTab } from './metrics.js';
import { OverviewTab } from './overview.js';
import { SettingsTab } from './settings.js';
import { VariablesTab } from './variables.js';

const TABS = { overview: OverviewTab, deployments: DeploymentsTab, metrics: MetricsTab, variables: VariablesTab, jobs: JobsTab, settings: SettingsTab, logs: LogsTab };

export function ServicePage(props: ServicePageProps) {
  const s = props.status;
  const Tab = TABS[props.tab];
  const { base, q } = paths(props);
  return (
    <Layout title={`${SERVICE_TABS[props.tab]} · ${s.service} · ${s.project}`} section="projects" skipTo="content" {...props.frame}>
      <p class="crumbs"><a href="/">Projects</a> / <a href={`/projects/${s.project}?env=${s.environment}`}>{s.project}</a> /</p>
      <h1>{s.service}</h1>
      <nav class="envs" aria-label="Environments">
        {props.environments.map((e) => (
          <a href={serviceTabUrl({ ...s, environment: e }, props.tab)} aria-current={e === s.environment ? 'true' : undefined}>{e}</a>
        ))}
      </nav>
      <nav class="tabs" aria-label="Service">
        {(Object.keys(SERVICE_TABS) as ServiceTab[]).map((t) => (
          <a href={serviceTabUrl(s, t)} aria-current={t === props.tab ? 'page' : undefined}>{SERVICE_TABS[t]}</a>
        ))}
      </nav>
      <div id="content" tabindex={-1}>
        <LiveSource url={`${base}/events${q}&tab=${props.tab}`}>
          <Live event="headline"><ServiceHeadline {...props} /></Live>
          <Tab {...props} />
        </LiveSource>
      </div>
    </Layout>
  );
}

/** Above every tab: on tabs other than Overview a one-line status; on all, the banner for saved
 *  changes that the serving version does not run with yet. */
export function ServiceHeadline(props: Pick<ServicePageProps, 'status' | 'frame' | 'pendingChanges' | 'tab' | 'may'>) {
  const s = props.status;
  const { base, q, csrf } = paths(props);
  return (
    <>
      {props.tab !== 'overview' && (
        <p class="headline">
          <StateMark state={s.state} />
          {s.activeDeployment && <> · <a href={`/deployments/${s.activeDeployment.id}`}>serving #{s.activeDeployment.id}</a></>}
          {s.deployment && s.deployment.id !== s.activeDeployment?.id && <> · latest <a href={`/deployments/${s.deployment.id}`}>#{s.deployment.id}</a> <StatusBadge status={s.deployment.status} /></>}
          {' · '}{s.replicasSummary}
        </p>
      )}
      {props.pendingChanges && (
        <div class="banner pending" role="status">
          <span>Changes saved but not deployed: the version that serves does not run with them yet.</span>
          {props.may.deploy && (
            <form method="post" action={`${base}/deploy${q}`} class="inline" {...actionAttrs(actionWords('deploy', { service: s.service, environment: s.environment }))}>
              <CsrfField token={csrf} />
              <button type="submit" class="primary">Deploy now</button>
            </form>
          )}
        </div>
      )}
    </>
  );
}
