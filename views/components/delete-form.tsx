// A deletion that must be confirmed by typing the name of what goes: the browser will not submit
// until the field matches, and the server checks it again.
import { CsrfField } from '../layout.js';

export function DeleteForm(props: { action: string; name: string; what: string; csrf?: string }) {
  return (
    <form method="post" action={props.action} class="danger stack">
      <CsrfField token={props.csrf} />
      <p>Deleting {props.what} removes what it runs on Docker and its records. This cannot be undone.</p>
      <label>
        <span>Type <code>{props.name}</code> to confirm</span>
        <input name="confirm" required pattern={props.name.replace(/[-]/g, '\\-')} autocomplete="off" aria-label={`Type ${props.name} to confirm`} />
      </label>
      <button type="submit" class="danger">Delete {props.name}</button>
    </form>
  );
}
