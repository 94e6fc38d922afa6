import { describe, expect, it } from 'vitest';
import { jsx } from 'hono/jsx';
import { memoView } from './memo-view.js';

/** A view that counts its renders and escapes what it is given, as JSX does. */
function counted() {
  const renders: string[] = [];
  const view = (props: { name: string; n?: number }) => {
    renders.push(props.name);
    return jsx('b', { 'data-n': String(props.n ?? 0) }, props.name);
  };
  return { renders, view };
}

describe('memoView', () => {
  it('renders an input once, and again when the input changes', () => {
    const { renders, view } = counted();
    const memo = memoView(view);
    expect(String(memo({ name: 'a' }))).toBe('<b data-n="0">a</b>');
    expect(String(memo({ name: 'a' }))).toBe('<b data-n="0">a</b>');
    expect(String(memo({ name: 'a', n: 1 }))).toBe('<b data-n="1">a</b>');
    expect(renders).toEqual(['a', 'a']);
  });

  it('escapes the input once, inside a page as on its own', () => {
    const memo = memoView(counted().view);
    const page = (name: string) => String(jsx('main', {}, jsx(memo as (p: { name: string }) => never, { name })));
    expect(page('<x> & "y"')).toBe('<main><b data-n="0">&lt;x&gt; &amp; &quot;y&quot;</b></main>');
    expect(page('<x> & "y"')).toBe('<main><b data-n="0">&lt;x&gt; &amp; &quot;y&quot;</b></main>');
  });

  it('keeps at most its limit of characters, dropping the least recently used first', () => {
    const { renders, view } = counted();
    // One render of {"name":"k1"} is 13 characters of key and 20 of HTML: room for three.
    const memo = memoView(view, 100);
    for (const name of ['k1', 'k2', 'k3']) memo({ name });
    memo({ name: 'k1' });
    memo({ name: 'k4' });
    renders.length = 0;
    for (const name of ['k1', 'k3', 'k4', 'k2']) memo({ name });
    expect(renders).toEqual(['k2']);
  });

  it('does not keep a render larger than its limit', () => {
    const { renders, view } = counted();
    const memo = memoView(view, 20);
    memo({ name: 'big' });
    memo({ name: 'big' });
    expect(renders).toEqual(['big', 'big']);
  });

  it('refuses a view that renders later', () => {
    const memo = memoView(async () => 'x');
    expect(() => memo({})).toThrow(/at once/);
  });
});
