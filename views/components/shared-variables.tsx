// A project environment's shared variables on the project page: names with their values masked
// (revealed in place for admins), a form to set one, and removal (for a role that may change them).
import { CsrfField } from '../layout.js';
import { actionAttrs, actionWords } from '../../src/actions/words.js';
import { Field, type FormState, PostForm } from './form.js';

export function SharedVariables(props: { project: string; environment: string; names: string[]; mayReveal: boolean; mayChange: boolean; csrf?: string; state?: FormState }) {
  const base = `/projects/${props.project}/shared-variables`;
  const q = `?env=${props.environment}`;
  return (
    <>
      {props.names.length === 0 ? (
        <p class="empty">No shared variables in {props.environment}. Set one here and reference it from any service's variables as <code>{'${{shared.NAME}}'}</code>.</p>
      ) : (
        <ul class="list shared-variables">
          {props.names.map((n) => (
            <li>
              <code>{n}</code>
              <span class="secret">
                <span class="muted">••••••</span>
                {props.mayReveal && <button type="button" class="link" hx-get={`${base}/value${q}&key=${n}`} hx-target="closest .secret" hx-swap="innerHTML" aria-label={`Reveal shared ${n}`}>Reveal</button>}
              </span>
              <code class="reference">{`\${{shared.${n}}}`}</code>
              {props.mayChange && (
                <form method="post" action={`${base}/remove${q}`} {...actionAttrs(actionWords('removeSharedVariable', { key: n }))}>
                  <CsrfField token={props.csrf} />
                  <input type="hidden" name="key" value={n} />
                  <button type="submit" aria-label={`Remove shared ${n}`}>Remove</button>
                </form>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.mayChange && <SetSharedVariableForm project={props.project} environment={props.environment} csrf={props.csrf} state={props.state} />}
    </>
  );
}

export function SetSharedVariableForm(props: { project: string; environment: string; csrf?: string; state?: FormState }) {
  const f = { form: 'set-shared-variable', state: props.state };
  return (
    <PostForm id="set-shared-variable" action={`/projects/${props.project}/shared-variables?env=${props.environment}`} csrf={props.csrf} state={props.state} class="row">
      <Field {...f} name="key" label="Shared variable name" attrs={{ placeholder: 'NAME', required: true, pattern: '[A-Za-z_][A-Za-z0-9_]*', autocomplete: 'off' }} />
      <Field {...f} name="value" label="Shared value" attrs={{ type: 'password', autocomplete: 'off' }} />
      <button type="submit">Set shared variable</button>
    </PostForm>
  );
}
