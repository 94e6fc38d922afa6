// A live log: lines arrive by Server-Sent Events; it follows the end until the reader scrolls up
// (then offers "Jump to latest"), filters by text (runtime logs by task too), and links the whole
// log as a text file.
// public/logs.js adds the behaviour; without it the lines still show.
import type { Child } from 'hono/jsx';

/** `sse.connect`: the stream this log opens itself; without it, it takes `line` events from an
 *  enclosing SSE connection. */
export function LogView(props: { id: string; label: string; download: string; sse?: { connect?: string }; tasks?: boolean; children?: Child }) {
  return (
    <div class="logview" data-logview>
      <div class="tools">
        <label>Filter <input type="search" data-log-filter placeholder="text in the line" /></label>
        {props.tasks && (
          <label>Task
            <select data-log-task>
              <option value="">all tasks</option>
            </select>
          </label>
        )}
        <a href={props.download} download>Download</a>
      </div>
      <pre
        class="log"
        id={props.id}
        // role="log" makes the label valid (a bare <pre> may not carry one; axe flags it while the
        // log is still empty); aria-live off, or a screen reader would read every build line.
        role="log"
        aria-live="off"
        aria-label={props.label}
        tabindex={0}
        sse-swap="line"
        hx-swap="beforeend"
        {...(props.sse?.connect ? { 'hx-ext': 'sse', 'sse-connect': props.sse.connect, 'sse-close': 'done' } : {})}
      >
        {props.children}
      </pre>
      <button type="button" class="jump" data-log-jump hidden>Jump to latest</button>
    </div>
  );
}
