// What every tab of the service page is given (what src/actions/page-data.ts reads, in the page's frame), and the form paths they share.
import type { ServicePageData } from '../../../src/actions/page-data.js';
import type { FormState } from '../../components/form.js';
import type { LayoutProps } from '../../layout.js';

export interface ServicePageProps extends ServicePageData {
  frame: Omit<LayoutProps, 'title' | 'children'>;
  /** Logs tab: every task, not only the serving version's. */
  allTasks?: boolean;
  /** Refused forms, by form id, shown again with their errors. */
  forms?: Record<string, FormState>;
}

/** The service's base path, the environment query and the CSRF token, for forms. */
export function paths(props: Pick<ServicePageProps, 'status' | 'frame'>) {
  const s = props.status;
  return { base: `/projects/${s.project}/services/${s.service}`, q: `?env=${s.environment}`, csrf: props.frame.csrfToken };
}
