// A one-button form for an action that takes something away (remove a user or member, revoke a
// token): it asks the action's question first (public/actions.js), then posts; a refusal comes
// back in place of the form, with its reason.
import type { Child } from 'hono/jsx';
import type { FormState } from './form.js';
import { CsrfField } from '../layout.js';
import { type ActionWords, actionAttrs } from '../../src/actions/words.js';

export function ConfirmForm(props: { id: string; action: string; words: ActionWords; label: string; csrf?: string; state?: FormState; children: Child }) {
  const error = props.state?.errors[''];
  return (
    <form id={props.id} method="post" action={props.action} class="inline" hx-post={props.action} {...actionAttrs(props.words)} hx-target="this" hx-swap="outerHTML">
      <CsrfField token={props.csrf} />
      <button type="submit" class="danger" aria-label={props.label}>{props.children}</button>
      {error && <p class="error" role="alert">{error}</p>}
    </form>
  );
}
