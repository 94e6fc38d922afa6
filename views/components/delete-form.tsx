// A deletion that must be confirmed by typing the name of what goes: the browser will not submit
// until the field matches, and the server checks it again. What still uses it is said on the form
// and asked again before it goes; while it runs, its button says so.
import type { Child } from 'hono/jsx';
import { type Referrers, actionWords, busyAttrs, referrersWarning } from '../../src/actions/words.js';
import { Field, type FormState, PostForm } from './form.js';

export function DeleteForm(props: { id: string; action: string; name: string; what: string; csrf?: string; state?: FormState; referrers?: Referrers; children?: Child }) {
  const words = actionWords('delete', { name: props.name, referrers: props.referrers });
  const warning = referrersWarning(props.name, props.referrers ?? []);
  return (
    <PostForm id={props.id} action={props.action} csrf={props.csrf} state={props.state} class="danger stack" confirm={words.question}>
      <p>Deleting {props.what} removes what it runs on Docker and its records. This cannot be undone.</p>
      {warning && <p class="warning">{warning}</p>}
      {props.children}
      <Field form={props.id} name="confirm" state={props.state} keep={false} label={<>Type <code>{props.name}</code> to confirm</>} attrs={{ required: true, pattern: props.name.replace(/[-]/g, '\\-'), autocomplete: 'off' }} />
      <button type="submit" class="danger" {...busyAttrs(words)}>Delete {props.name}</button>
    </PostForm>
  );
}
