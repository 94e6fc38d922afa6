// Why a deployment failed, as the deployment page and the service page say it; a failure of the
// running app links to its output (the Logs tab with crashed tasks, theirs included).
import { serviceTabUrl } from '../../src/actions/page-data.js';

export interface FailureReasonProps {
  reason: string;
  /** The service, when the failure happened while its tasks ran: their output is worth reading. */
  logsOf?: { project: string; service: string; environment: string };
}

export const crashedLogsUrl = (s: { project: string; service: string; environment: string }) => `${serviceTabUrl(s, 'logs')}&all=1`;

export function FailureReason(props: FailureReasonProps) {
  return <p class="error">{props.reason}{props.logsOf && <> <a href={crashedLogsUrl(props.logsOf)}>Its output in the logs</a></>}</p>;
}
