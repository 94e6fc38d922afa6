// A domain's certificate failed, or expires within 14 days (renewal starts at 30).
import { type AlertRuleKind, MINUTE } from './kind.js';

export const CERTIFICATE_WARN_DAYS = 14;

export const certificateTrouble: AlertRuleKind = {
  rule: 'certificate',
  label: 'Certificate failing or expiring within 14 days',
  policy: { forS: 0, clearS: MINUTE, repeatS: 24 * 60 * MINUTE },
  needsDocker: false,
  conditions: (s) =>
    s.certificates.map((c) => ({
      key: `certificate:${c.projectId}:${c.hostname}`,
      projectId: c.projectId,
      title: c.failed !== null ? `The certificate of ${c.hostname} could not be obtained` : `The certificate of ${c.hostname} expires ${c.notAfter!.slice(0, 10)}`,
      text: `${c.service} (${c.project}, ${c.environment}). ${c.failed !== null ? 'Its domain page says why; Spur tries again.' : 'Spur renews it 30 days before; it has not managed to yet.'}`,
      path: `/projects/${c.project}/services/${c.service}${c.environment === 'production' ? '' : `?env=${c.environment}`}`,
    })),
};
