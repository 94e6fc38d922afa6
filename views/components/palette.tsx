// The command palette: its dialog (in every signed-in page, opened by public/palette.js with
// Ctrl-K, ⌘-K or the header's button) and the results the server sends for what was typed.
import type { PaletteKind, PaletteResult } from '../../src/actions/palette.js';

const KIND_WORDS: Partial<Record<PaletteKind, string>> = { page: 'Page', project: 'Project', service: 'Service', database: 'Database', deployment: 'Deployment' };

export function PaletteButton() {
  return (
    <button type="button" class="link palette-open" data-palette-open aria-haspopup="dialog" aria-keyshortcuts="Control+K Meta+K" title="Go to a page or run deploy, rollback, logs (Ctrl-K or ⌘-K)">
      Search
    </button>
  );
}

export function PaletteDialog() {
  return (
    <dialog id="palette" class="palette" aria-labelledby="palette-label">
      <label id="palette-label" for="palette-input">Go to or run</label>
      <input id="palette-input" type="text" role="combobox" aria-expanded="false" aria-autocomplete="list" autocomplete="off" maxlength={100} aria-describedby="palette-help" placeholder="a name, #42, deploy web, logs web…" />
      <div id="palette-results" />
      <p class="muted palette-keys" id="palette-help">
        A project, service, database, page or deployment (#42), or an action: deploy, rollback or logs and a service's name. <kbd>↑</kbd> <kbd>↓</kbd> choose, <kbd>Enter</kbd> goes or runs, <kbd>Esc</kbd> closes.
      </p>
    </dialog>
  );
}

/** The listbox of results (none when nothing matched) and one sentence saying what was found. */
export function PaletteResults(props: { q: string; results: PaletteResult[]; more: boolean }) {
  const count = props.results.length;
  const said = count === 0 ? (props.q.trim() ? `Nothing matches “${props.q.trim()}”.` : 'Nothing to show yet.') : props.more ? `Showing the first ${count}: type more to narrow.` : `${count} result${count === 1 ? '' : 's'}.`;
  return (
    <>
      {count > 0 && (
        <ul role="listbox" id="palette-listbox" aria-label="Results">
          {props.results.map((r, i) => (
            <li role="option" id={`palette-option-${i}`} aria-selected="false" aria-disabled={r.disabled ? 'true' : undefined} data-href={r.href} data-post={r.post} data-fields={r.fields ? new URLSearchParams(r.fields).toString() : undefined} data-confirm={r.confirm}>
              {KIND_WORDS[r.kind] && <span class="palette-kind">{KIND_WORDS[r.kind]}</span>} <strong>{r.label}</strong> {r.detail && <span class="muted">{r.detail}</span>}
            </li>
          ))}
        </ul>
      )}
      <p class="muted palette-said" role="status">{said}</p>
    </>
  );
}
