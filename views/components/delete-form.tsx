// A deletion that must be confirmed by typing the name of what goes: the browser will not submit
// until the field matches, and the server checks it again.
import type { Child } from 'hono/jsx';
import { Field, type FormState, PostForm } from './form.js';

export function DeleteForm(props: { id: string; action: string; name: string; what: string; csrf?: string; state?: FormState; children?: Child }) {
  return (
    <PostForm id={props.id} action={props.action} csrf={props.csrf} state={props.state} class="danger stack">
      <p>Deleting {props.what} removes what it runs on Docker and its records. This cannot be undone.</p>
      {props.children}
      <Field form={props.id} name="confirm" state={props.state} keep={false} label={<>Type <code>{props.name}</code> to confirm</>} attrs={{ required: true, pattern: props.name.replace(/[-]/g, '\\-'), autocomplete: 'off' }} />
      <button type="submit" class="danger">Delete {props.name}</button>
    </PostForm>
  );
}
