// A scheduled job's newest run failed (its exit code, its timeout, or it could not start): it
// holds until a run of the job succeeds.
import { type AlertRuleKind, MINUTE } from './kind.js';

export const jobFailed: AlertRuleKind = {
  rule: 'job-failed',
  label: 'Scheduled job failed',
  policy: { forS: 0, clearS: MINUTE, repeatS: null },
  needsDocker: false,
  conditions: (s) =>
    s.jobs
      .filter((j) => ['failed', 'timed-out', 'interrupted'].includes(j.run.status))
      .map((j) => ({
        key: `job-failed:${j.project}/${j.service}/${j.environment}/${j.job}`,
        projectId: j.projectId,
        title: `Job ${j.job} of ${j.service} (${j.project}, ${j.environment}): run #${j.run.id} ${j.run.status === 'timed-out' ? 'timed out' : j.run.status}`,
        text: `${(j.run.reason ?? j.run.status).slice(0, 200)}. Its output is kept with the run, on the service's Jobs tab.`,
        path: `/projects/${j.project}/services/${j.service}/jobs?env=${j.environment}`,
        sayChanges: true,
      })),
};
