// The Variables tab's text editor: every variable as one .env text (the owner's, who may see the
// values), saved as one change; while it is edited it says what saving adds, changes and removes.
import { Field, type FormState, PostForm } from '../../components/form.js';

type Props = { base: string; q: string; csrf?: string; state?: FormState; text?: string; diff?: string };

export function RawVariablesForm(props: Props) {
  const preview = `${props.base}/variables/raw/preview${props.q}`;
  return (
    <PostForm id="raw-variables" action={`${props.base}/variables/raw${props.q}`} csrf={props.csrf} state={props.state} class="stack">
      <Field
        form="raw-variables"
        name="env"
        label="All variables, one NAME=value per line"
        as="textarea"
        state={props.state}
        value={props.text}
        hint="Saving makes the variables exactly this text: a name left out is removed. A quoted value may span lines."
        attrs={{ rows: 12, class: 'mono raw-variables', spellcheck: 'false', autocomplete: 'off', 'hx-post': preview, 'hx-trigger': 'input changed delay:400ms', 'hx-target': '#raw-variables-diff', 'hx-swap': 'outerHTML' }}
      />
      <VariablesDiffNote text={props.diff} />
      <button type="submit">Save all variables</button>
    </PostForm>
  );
}

/** What saving the text would do, in words; refreshed as it is edited. */
export function VariablesDiffNote(props: { text?: string; problem?: boolean }) {
  return (
    <p id="raw-variables-diff" class={props.problem ? 'field-error' : 'muted'} aria-live="polite">
      {props.text ?? 'Edit the text to see what saving adds, changes and removes.'}
    </p>
  );
}

/** The way to the editor: it loads the values only when asked, so they are not in every page. */
export function RawVariablesLink(props: Props) {
  const href = `${props.base}/variables/raw${props.q}`;
  return <a href={href} hx-get={href} hx-target="this" hx-swap="outerHTML">Edit all variables as text</a>;
}
