// A deployment's steps with the time each took, kept live on its page (an SSE fragment). The
// step that runs says how long so far; public/deployment-steps.js counts on between updates.
import type { StepView } from '../../src/deploy/step-view.js';
import { describeSeconds } from '../../src/deploy/step-view.js';
import { Time } from './time.js';

const STATE_WORDS: Record<StepView['state'], string> = { done: 'done', running: 'running', failed: 'failed', cancelled: 'stopped' };

export function DeploymentSteps(props: { steps: StepView[] }) {
  if (props.steps.length === 0) return <p class="muted">This deployment's steps were not recorded (it ran before Spur recorded them).</p>;
  return (
    <ol class="steps">
      {props.steps.map((s) => (
        <li class={`step step-${s.state}`} data-step={s.name} data-state={s.state}>
          <span class="step-label">{s.label}</span>
          {s.seconds === null ? (
            <span class="step-at">at <Time at={s.startedAt} /></span>
          ) : (
            <>
              <span class="step-state">{STATE_WORDS[s.state]}</span>
              <span class="step-time" {...(s.state === 'running' ? { 'data-running-since': s.startedAt } : {})}>{describeSeconds(s.seconds)}{s.state === 'running' ? ' so far' : ''}</span>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}
