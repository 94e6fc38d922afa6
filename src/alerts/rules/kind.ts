// What raises an alert: each built-in rule is one descriptor (this interface) in a file of its
// own, so adding a rule is adding a file (index.ts lists them). A rule is pure: it reads one
// snapshot of the installation, taken once a minute (src/actions/alert-engine.ts), and names each
// thing its condition holds for now; the lifecycle (../lifecycle.ts) decides, from its policy,
// when that fires, repeats and resolves.
import type { AlertPolicy } from '../lifecycle.js';
import type { AlertSnapshot } from './snapshot.js';

/** One thing a rule's condition holds for now. */
export interface Condition {
  /** The rule's name and the thing's, the same every minute it holds: "memory:spur_shop_web_production". */
  key: string;
  /** Its project; null: the installation's (a server, an update). */
  projectId: number | null;
  /** One line: "web (shop, production) uses 96% of its memory limit". */
  title: string;
  /** A few plain lines: what was seen. Never a variable's value or any other secret. */
  text: string;
  /** Path in Spur to look at: "/projects/shop/services/web". */
  path?: string;
  /** While it fires, a new title is said at once (another deployment failed), not only at the next reminder. */
  sayChanges?: boolean;
}

export interface AlertRuleKind {
  rule: string;
  /** As the rules list names it: "Memory above 90% of its limit". */
  label: string;
  policy: AlertPolicy;
  /** Reads Docker's view (tasks, servers) or the sampler's minutes (which Docker away leaves
   *  without): without Docker its alerts are left as they are. */
  needsDocker: boolean;
  conditions(s: AlertSnapshot): Condition[];
}

export const MINUTE = 60;
