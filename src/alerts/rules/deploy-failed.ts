// A service's newest deployment failed: it holds until a deployment of it succeeds.
import { type AlertRuleKind, MINUTE } from './kind.js';
import { label, servicePath } from './snapshot.js';

/** The failure's kind only ("build failed"): Docker's words can quote the app's own output. */
const kindOf = (reason: string | null) => (reason ?? 'it failed').split(':')[0]!.slice(0, 120);

export const deployFailed: AlertRuleKind = {
  rule: 'deploy-failed',
  label: 'Deploy failed',
  policy: { forS: 0, clearS: MINUTE, repeatS: null },
  needsDocker: false,
  conditions: (s) =>
    s.services
      .filter((v) => v.lastDeployment?.status === 'failed')
      .map((v) => ({ key: `deploy-failed:${v.series}`, projectId: v.projectId, title: `${label(v)}: deploy #${v.lastDeployment!.id} failed`, text: `${kindOf(v.lastDeployment!.reason)}. The version before keeps serving; the deployment's log says why.`, path: servicePath(v), sayChanges: true })),
};
