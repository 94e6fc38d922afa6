// Forms that answer in place: the same component renders the form in its page and, after a
// refused post, alone as the htmx fragment that replaces it, with every error beside its field
// and what was typed kept (src/http/forms.ts).
import type { Child } from 'hono/jsx';
import { CsrfField } from '../layout.js';

/** What was typed and what was refused, by field name; '' holds an error of the whole form. */
export interface FormState {
  values: Record<string, string>;
  errors: Record<string, string>;
}

export const EMPTY_FORM: FormState = { values: {}, errors: {} };

/** `confirm`: the question asked before it is sent (src/actions/words.ts, public/actions.js).
 *  `readOnly`: for a role that may read what the form holds but not change it — the same fields,
 *  disabled, in no form at all (the caller leaves its button out). */
export function PostForm(props: { id: string; action: string; csrf?: string; state?: FormState; class?: string; confirm?: string; readOnly?: boolean; children?: Child }) {
  const formError = props.state?.errors[''];
  if (props.readOnly) {
    return (
      <div id={props.id} class={props.class}>
        <fieldset disabled class="read-only">{props.children}</fieldset>
      </div>
    );
  }
  return (
    <form id={props.id} method="post" action={props.action} class={props.class} hx-post={props.action} hx-target="this" hx-swap="outerHTML" data-confirm={props.confirm} novalidate={props.state && Object.keys(props.state.errors).length ? true : undefined}>
      <CsrfField token={props.csrf} />
      {formError && <p class="error" role="alert">{formError}</p>}
      {props.children}
    </form>
  );
}

type InputAttrs = Record<string, string | number | boolean | undefined>;

/** A labelled input (or textarea/select via `as`) with its error, if any, announced with it, and
 *  its `hint` (the rule it must follow) shown before anything is refused. */
export function Field(props: { form: string; name: string; label: Child; state?: FormState; value?: string; keep?: boolean; as?: 'textarea'; hint?: string; attrs?: InputAttrs; children?: Child }) {
  const error = props.state?.errors[props.name];
  const typed = props.keep === false ? undefined : props.state?.values[props.name];
  const value = typed ?? props.value ?? '';
  const errorId = `${props.form}-${props.name}-error`;
  const hintId = `${props.form}-${props.name}-hint`;
  const describedBy = [error && errorId, props.hint && hintId].filter(Boolean).join(' ') || undefined;
  // The hint sits inside the label for layout; the input's name stays the label's words alone.
  const labelId = props.hint ? `${props.form}-${props.name}-label` : undefined;
  const common = { name: props.name, 'aria-invalid': error ? 'true' : undefined, 'aria-describedby': describedBy, 'aria-labelledby': labelId, ...props.attrs };
  return (
    <label class={error ? 'field invalid' : 'field'}>
      <span id={labelId}>{props.label}</span>
      {props.as === 'textarea' ? <textarea {...common}>{value}</textarea> : <input {...common} value={value} />}
      {error && <span class="field-error" id={errorId}>{error}</span>}
      {props.hint && <span class="muted hint" id={hintId}>{props.hint}</span>}
      {props.children}
    </label>
  );
}

/** An error of the form that belongs to no single input (e.g. "give one source"). */
export function FieldError(props: { name: string; state?: FormState }) {
  const error = props.state?.errors[props.name];
  return error ? <p class="field-error" role="alert">{error}</p> : null;
}
