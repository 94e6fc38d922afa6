// What every tab of the service page is given, and the URLs they share.
import type { DomainView } from '../../../src/actions/domains.js';
import type { InstanceStatus } from '../../../src/actions/services.js';
import type { DeploymentView } from '../../components/deployment.js';
import type { FormState } from '../../components/form.js';
import type { LayoutProps } from '../../layout.js';

export interface GitAccessView {
  pushUrl: string;
  webhook: { url: string; secret: string | null };
  deployKey: string | null;
  httpsToken: string | null;
}

export const SERVICE_TABS = { overview: 'Overview', deployments: 'Deployments', variables: 'Variables', settings: 'Settings', logs: 'Logs' } as const;
export type ServiceTab = keyof typeof SERVICE_TABS;

export interface ServicePageProps {
  tab: ServiceTab;
  git?: GitAccessView;
  frame: Omit<LayoutProps, 'title' | 'children'>;
  status: InstanceStatus;
  environments: string[];
  variableNames: string[];
  /** Of each variable holding references: what they name, and what is missing (null: they resolve). */
  variableReferences: Record<string, { references: string[]; problem: string | null }>;
  deployments: DeploymentView[];
  /** Custom domains of this environment (the generated one is in status.publicUrls). */
  domains: DomainView[];
  /** Named volumes of this environment. */
  volumes: { name: string; mountPath: string; dockerVolume: string }[];
  /** Saved settings or variables the serving version does not run with yet. */
  pendingChanges: boolean;
  /** Owners may reveal variable values. */
  canReveal: boolean;
  /** Logs tab: every task, not only the serving version's. */
  allTasks?: boolean;
  /** Refused forms, by form id, shown again with their errors. */
  forms?: Record<string, FormState>;
}

/** The URL of a tab of a service in an environment. */
export const serviceTabUrl = (s: { project: string; service: string; environment: string }, tab: ServiceTab) =>
  `/projects/${s.project}/services/${s.service}${tab === 'overview' ? '' : `/${tab}`}?env=${s.environment}`;

/** The service's base path, the environment query and the CSRF token, for forms. */
export function paths(props: Pick<ServicePageProps, 'status' | 'frame'>) {
  const s = props.status;
  return { base: `/projects/${s.project}/services/${s.service}`, q: `?env=${s.environment}`, csrf: props.frame.csrfToken };
}
