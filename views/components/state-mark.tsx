// A state as every view shows it: a coloured mark that repeats the words beside it (never colour
// alone), and, where there is room, why (src/http/service-state.ts computes all three).
import type { ShownState, StateKind } from '../../src/actions/service-state.js';

/** What each kind is called when counted: "2 serving · 1 down". */
export const KIND_WORDS: Record<StateKind, string> = { down: 'down', attention: 'serving with a problem', working: 'deploying or starting', unknown: 'unknown', serving: 'serving', none: 'not deployed' };

export function StateMark(props: { state: ShownState }) {
  return <span class="state-mark" data-kind={props.state.kind}><span class="dot" aria-hidden="true"></span>{props.state.words}</span>;
}

/** The mark, then why when something is wrong. */
export function StateWithDetail(props: { state: ShownState }) {
  return (
    <>
      <StateMark state={props.state} />
      {props.state.detail && <span class="state-detail"> — {props.state.detail}</span>}
    </>
  );
}
