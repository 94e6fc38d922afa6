// A button that copies a value to the clipboard (public/ui.js); the value is also on the page to select by hand.
export function CopyButton(props: { text: string; label: string }) {
  return <button type="button" class="copy" data-copy={props.text} aria-label={`Copy ${props.label}`}>Copy</button>;
}
