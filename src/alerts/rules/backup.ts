// A database's newest backup failed, did not restore in its check, or was not copied to S3.
import { type AlertRuleKind, MINUTE } from './kind.js';

export const backupFailed: AlertRuleKind = {
  rule: 'backup',
  label: 'Backup failed or not verified',
  policy: { forS: 0, clearS: MINUTE, repeatS: 24 * 60 * MINUTE },
  needsDocker: false,
  conditions: (s) =>
    s.backups.map((b) => ({ key: `backup:${b.projectId}:${b.environment}:${b.database}`, projectId: b.projectId, title: `The newest backup of ${b.database} (${b.project}, ${b.environment}) ${b.why}`, text: 'The database page lists its backups and what went wrong.', path: `/projects/${b.project}/databases/${b.database}?env=${b.environment}` })),
};
