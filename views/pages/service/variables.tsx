// The Variables tab: a table with edit, remove and (for admins) reveal and copy per value; a
// form to add one; and a .env editor to paste many at once. A viewer reads the names, masked.
import { CopyButton } from '../../components/copy-button.js';
import { Field, type FormState, PostForm } from '../../components/form.js';
import { CsrfField } from '../../layout.js';
import { actionAttrs, actionWords } from '../../../src/actions/words.js';
import { type ServicePageProps, paths } from './common.js';
import { RawVariablesForm, RawVariablesLink } from './variables-text.js';

export function VariablesTab(props: ServicePageProps) {
  const { base, q, csrf } = paths(props);
  const change = props.may['variables.change'];
  return (
    <>
      {props.variableNames.length === 0 ? (
        <p class="empty">No variables yet. Spur sets <code>PORT</code> and <code>SPUR_*</code> itself; add your own below, or paste a .env file.</p>
      ) : (
        <table class="vars">
          <thead>
            <tr><th>Name</th><th>Value</th>{change && <th><span class="muted">Actions</span></th>}</tr>
          </thead>
          <tbody>
            {props.variableNames.map((n) => (
              <tr>
                <td><code>{n}</code></td>
                <td>
                  <span class="secret">
                    <span class="muted">••••••</span>
                    {props.may['variables.reveal'] && <button type="button" class="link" hx-get={`${base}/variables/value${q}&key=${n}`} hx-target="closest .secret" hx-swap="innerHTML" aria-label={`Reveal ${n}`}>Reveal</button>}
                  </span>
                  {props.variableReferences[n] && <ReferenceState {...props.variableReferences[n]} />}
                </td>
                {change && (
                <td>
                  <div class="actions">
                  <details>
                    <summary>Edit</summary>
                    <PostForm id={`edit-${n}`} action={`${base}/variables${q}`} csrf={csrf} class="row">
                      <input type="hidden" name="key" value={n} />
                      <Field form={`edit-${n}`} name="value" label={`New value of ${n}`} attrs={{ type: 'password', autocomplete: 'off', required: true }} />
                      <button type="submit">Save</button>
                    </PostForm>
                  </details>
                  <form method="post" action={`${base}/variables/remove${q}`} {...actionAttrs(actionWords('removeVariable', { service: props.status.service, key: n }))}>
                    <CsrfField token={csrf} />
                    <input type="hidden" name="key" value={n} />
                    <button type="submit" aria-label={`Remove ${n}`}>Remove</button>
                  </form>
                  </div>
                </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {change && (
        <>
          <h2>Add a variable</h2>
          <SetVariableForm base={base} q={q} csrf={csrf} state={props.forms?.['set-variable']} />
          <h2>Paste a .env file</h2>
          <ImportVariablesForm base={base} q={q} csrf={csrf} state={props.forms?.['import-variables']} />
        </>
      )}
      {props.may['variables.reveal'] && (
        <>
          <h2>All variables as text</h2>
          {props.forms?.['raw-variables'] ? <RawVariablesForm base={base} q={q} csrf={csrf} state={props.forms['raw-variables']} /> : <RawVariablesLink base={base} q={q} csrf={csrf} />}
        </>
      )}
      <p class="muted">Variables take effect with the next deploy.</p>
    </>
  );
}

/** What a variable references, resolved at deploy: it resolves now (its value stays masked), or
 *  what is missing. */
function ReferenceState(props: { references: string[]; problem: string | null }) {
  return (
    <div class="reference-state">
      <span class="muted">references {props.references.map((r) => <code>{`\${{${r}}}`}</code>)}</span>{' '}
      {props.problem ? <span class="field-error">{props.problem}</span> : <span class="badge badge-active">resolves</span>}
    </div>
  );
}

type FormProps = { base: string; q: string; csrf?: string; state?: FormState };

export function SetVariableForm(props: FormProps) {
  const f = { form: 'set-variable', state: props.state };
  return (
    <PostForm id="set-variable" action={`${props.base}/variables${props.q}`} csrf={props.csrf} state={props.state} class="row">
      <Field {...f} name="key" label="Name" attrs={{ placeholder: 'NAME', required: true, pattern: '[A-Za-z_][A-Za-z0-9_]*', autocomplete: 'off' }} />
      <Field {...f} name="value" label="Value" attrs={{ type: 'password', placeholder: 'value', autocomplete: 'off' }} />
      <button type="submit">Set variable</button>
    </PostForm>
  );
}

export function ImportVariablesForm(props: FormProps) {
  return (
    <PostForm id="import-variables" action={`${props.base}/variables/import${props.q}`} csrf={props.csrf} state={props.state} class="stack">
      <Field form="import-variables" name="env" label="One NAME=value per line; names already set are overwritten, others stay" as="textarea" state={props.state} attrs={{ rows: 6, class: 'mono', spellcheck: 'false', placeholder: 'DATABASE_URL=postgres://…\nGREETING="hello"' }} />
      <button type="submit">Import variables</button>
    </PostForm>
  );
}

/** A revealed value, in place of the mask. */
export function RevealedValue(props: { name: string; value: string }) {
  return <><code class="wrap">{props.value}</code> <CopyButton text={props.value} label={`value of ${props.name}`} /></>;
}
