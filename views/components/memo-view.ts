// A view rendered once per distinct input. The project canvas and the dashboard's project list are
// rendered for every page view and, for each open page, on every live refresh (views/components/
// live.tsx), almost always from the same data. Rendering 100 cards through JSX allocates about a
// megabyte, and on a small server the collections that garbage causes are what make a page slow;
// comparing the input as JSON allocates a few dozen kilobytes.
import { raw } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

/** Keys and HTML kept, in characters, per view: about five renders of 100 cards. */
export const MEMO_VIEW_CHARS = 600_000;

/** `view`, remembering its last renders by input. Its props must be plain data (what JSON keeps):
 *  the input is compared as JSON, so a function or a class instance in them would be ignored. */
export function memoView<P>(view: (props: P) => unknown, maxChars = MEMO_VIEW_CHARS): (props: P) => HtmlEscapedString {
  const kept = new Map<string, string>();
  let chars = 0;
  return (props) => {
    const key = JSON.stringify(props);
    let html = kept.get(key);
    if (html !== undefined) {
      // Most recently used last: the first entry is the one to drop.
      kept.delete(key);
      kept.set(key, html);
      return raw(html);
    }
    const rendered = view(props);
    if (rendered instanceof Promise) throw new Error('memoView keeps only views that render at once');
    html = String(rendered);
    const size = key.length + html.length;
    if (size <= maxChars) {
      kept.set(key, html);
      chars += size;
      for (const [k, h] of kept) {
        if (chars <= maxChars) break;
        kept.delete(k);
        chars -= k.length + h.length;
      }
    }
    return raw(html);
  };
}
