// The one place that words Spur's actions: the question asked before an action that changes what
// serves or removes something, and what a button says while the action runs. Every form, the `d`
// shortcut (it presses the Deploy button) and the command palette take them from here, so an
// action asks the same question wherever it is offered. public/actions.js asks the question
// (data-confirm) and shows the busy words (data-busy), for plain and htmx forms alike.

/** What an action asks first (none: it asks nothing) and what its button says while it runs. */
export interface ActionWords {
  question?: string;
  busy: string;
}

type Service = { service: string; environment: string };

/** Who references a database (or anything named), by service, with the variables that do. */
export type Referrers = { service: string; variables: string[] }[];

const listed = (items: string[]) => (items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/** "api (DB) and web (DATABASE_URL, PGHOST) reference pg: …", or undefined when nothing does. */
export function referrersWarning(name: string, referrers: Referrers): string | undefined {
  if (referrers.length === 0) return undefined;
  const who = listed(referrers.map((r) => `${r.service} (${r.variables.join(', ')})`));
  return `${who} reference${referrers.length === 1 ? 's' : ''} ${name}: their next deploy fails until those variables change.`;
}

export const ACTIONS = {
  deploy: (s: Service): ActionWords => ({ question: `Deploy ${s.service} to ${s.environment} now? The new version replaces the one serving once it is healthy.`, busy: `Deploying ${s.service}…` }),
  rollback: (s: Service & { deployment: number }): ActionWords => ({ question: `Roll ${s.service} in ${s.environment} back to deployment #${s.deployment}? Its image replaces the version serving now.`, busy: `Rolling back to #${s.deployment}…` }),
  promote: (s: Service & { deployment: number; to: string }): ActionWords => ({ question: `Run the image of deployment #${s.deployment} (${s.environment}) in ${s.to}, with ${s.to}'s own variables? No build: it replaces what serves ${s.service} there once healthy.`, busy: `Promoting to ${s.to}…` }),
  cancel: (): ActionWords => ({ busy: 'Cancelling…' }),
  runJob: (s: { job: string }): ActionWords => ({ busy: `Starting ${s.job}…` }),
  removeJob: (s: { job: string }): ActionWords => ({ question: `Remove the job ${s.job}? Its schedule stops, a run under way is stopped, and its runs' records go with it.`, busy: `Removing ${s.job}…` }),
  scale: (s: { service: string }): ActionWords => ({ busy: `Scaling ${s.service}…` }),
  createService: (s: { deploy: boolean }): ActionWords => ({ busy: s.deploy ? 'Creating and deploying…' : 'Creating…' }),
  removeVariable: (s: { service: string; key: string }): ActionWords => ({ question: `Remove ${s.key} from ${s.service}? The next deploy runs without it.`, busy: `Removing ${s.key}…` }),
  removeSharedVariable: (s: { key: string }): ActionWords => ({ question: `Remove the shared variable ${s.key}? Services referencing it fail their next deploy until it is set again.`, busy: `Removing ${s.key}…` }),
  backUpVolume: (s: { volume: string }): ActionWords => ({ busy: `Backing up ${s.volume}… (its containers pause while it is read)` }),
  restoreVolume: (s: { service: string; volume: string; backup: number }): ActionWords => ({ question: `Replace ${s.volume}'s files with backup #${s.backup}? ${s.service} is deployed again on them; the files it has now stay in their Docker volume.`, busy: `Restoring ${s.volume}…` }),
  removeVolume: (s: { service: string; volume: string; dockerVolume: string }): ActionWords => ({ question: `Stop mounting ${s.volume} in ${s.service}? Its data stays in Docker volume ${s.dockerVolume}.`, busy: `Removing ${s.volume}…` }),
  removeDomain: (s: { service: string; hostname: string }): ActionWords => ({ question: `Remove ${s.hostname} from ${s.service}? The next deploy stops routing it here.`, busy: `Removing ${s.hostname}…` }),
  removeKey: (s: { name: string }): ActionWords => ({ question: `Remove the SSH key ${s.name}? Pushes signed with it are refused from now on.`, busy: `Removing ${s.name}…` }),
  /** A deletion confirmed by typing its name asks nothing more, unless something uses it. */
  delete: (s: { name: string; referrers?: Referrers }): ActionWords => {
    const warning = referrersWarning(s.name, s.referrers ?? []);
    return { question: warning && `Delete ${s.name}? ${warning}`, busy: `Deleting ${s.name}…` };
  },
  restartDatabase: (s: { name: string }): ActionWords => ({ question: `Restart ${s.name}? Its connections drop while it starts again.`, busy: `Restarting ${s.name}…` }),
  backUp: (s: { name: string }): ActionWords => ({ busy: `Backing up ${s.name}…` }),
  restore: (s: { backup: number }): ActionWords => ({ busy: `Restoring backup ${s.backup}…` }),
  addServer: (): ActionWords => ({ busy: 'Adding the server…' }),
  removeServer: (s: { name: string }): ActionWords => ({ busy: `Removing ${s.name}…` }),
  drainServer: (s: { name: string }): ActionWords => ({ question: `Drain ${s.name}? Its tasks move to the other servers.`, busy: `Draining ${s.name}…` }),
  changeServer: (s: { name: string }): ActionWords => ({ busy: `Changing ${s.name}…` }),
  removeUser: (s: { email: string }): ActionWords => ({ question: `Remove ${s.email}? They lose their sessions, API tokens, SSH keys and project memberships. This cannot be undone.`, busy: `Removing ${s.email}…` }),
  removeMember: (s: { email: string; project: string }): ActionWords => ({ question: `Remove ${s.email} from ${s.project}? They can no longer see or change it.`, busy: `Removing ${s.email}…` }),
  revokeToken: (s: { name: string }): ActionWords => ({ question: `Revoke the token ${s.name}? Anything using it is refused from now on.`, busy: `Revoking ${s.name}…` }),
  deployCompose: (s: { app: string; environment: string }): ActionWords => ({ question: `Deploy ${s.app} to ${s.environment} now? Each changed service's new version replaces the one serving once it is healthy.`, busy: `Deploying ${s.app}…` }),
  rollbackCompose: (s: { app: string; environment: string; group: number }): ActionWords => ({ question: `Return every service of ${s.app} in ${s.environment} to group deployment #${s.group}, and the app's file to that one's?`, busy: `Rolling ${s.app} back to #${s.group}…` }),
  saveCompose: (s: { deploy: boolean }): ActionWords => ({ busy: s.deploy ? 'Saving and deploying…' : 'Saving…' }),
  update: (s: { version: string }): ActionWords => ({ busy: `Starting the update to ${s.version}…` }),
} as const;

export type ActionKind = keyof typeof ACTIONS;

/** The words of one action, e.g. `actionWords('deploy', { service: 'web', environment: 'production' })`. */
export function actionWords<K extends ActionKind>(kind: K, subject: Parameters<(typeof ACTIONS)[K]>[0]): ActionWords {
  return (ACTIONS[kind] as (s: typeof subject) => ActionWords)(subject);
}

/** The question an action asks before it runs (undefined: it asks none). */
export const confirmQuestion = <K extends ActionKind>(kind: K, subject: Parameters<(typeof ACTIONS)[K]>[0]) => actionWords(kind, subject).question;

/** On a form: ask its question first (`data-confirm`), and say what runs on the button that sent it
 *  (`data-busy`). On a button: its own words, where a form has more than one. */
export const actionAttrs = (w: ActionWords) => ({ 'data-confirm': w.question, 'data-busy': w.busy });
export const busyAttrs = (w: ActionWords) => ({ 'data-busy': w.busy });
