// The built-in rules, on unless someone turned one off; each is one descriptor file (kind.ts).
import { backupFailed } from './backup.js';
import { certificateTrouble } from './certificate.js';
import { cpuPinned } from './cpu.js';
import { crashLoop } from './crash-loop.js';
import { deployFailed } from './deploy-failed.js';
import { diskFull } from './disk.js';
import { jobFailed } from './job-failed.js';
import type { AlertRuleKind } from './kind.js';
import { memoryHigh } from './memory.js';
import { replicasDown } from './replicas.js';
import { serverDown } from './server-down.js';
import { updateAvailable } from './update.js';

export type { AlertRuleKind, Condition } from './kind.js';
export type { AlertSnapshot } from './snapshot.js';

export const BUILT_IN_RULES: readonly AlertRuleKind[] = [deployFailed, crashLoop, replicasDown, memoryHigh, cpuPinned, diskFull, certificateTrouble, backupFailed, jobFailed, serverDown, updateAvailable];

export const builtInRule = (rule: string) => BUILT_IN_RULES.find((r) => r.rule === rule);
