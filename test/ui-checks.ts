// Browser checks any UI test can run on a page it has open: focus indicators that can be seen
// (WCAG 2.2: 3:1 against the colours next to them), how many Tab presses stand between the top
// of the page and a control, and whether the header stays one row. Each one reads what the
// browser really painted (computed styles, layout boxes), not the CSS source.
import type { Page } from 'playwright-core';

/** A focusable element whose focus indicator is too faint (or absent). */
export interface FocusProblem {
  /** A short description: tag, id/class, and its text or label. */
  element: string;
  /** The indicator's colour as painted (after alpha is laid over what is behind it). */
  indicator: string;
  /** The colour next to it that it is measured against. */
  against: string;
  /** Contrast ratio, 1 to 21; 0 when the element shows no indicator at all. */
  ratio: number;
}

/** What one Tab press landed on, as seen in the page. */
interface FocusSample {
  key: string;
  element: string;
  /** Indicator colours and the colours next to them, as [r, g, b, a] (0–255, a 0–1). */
  rings: { colour: number[]; behind: number[]; inside: number[] | null }[];
}

// Runs in the page: describes document.activeElement and the colours of its focus indicator.
// A ring drawn right at the border (outline-offset 0 or a box-shadow) touches both the element's
// own background and what is behind the element; with a gap of 2px or more only the latter.
const SAMPLE_FOCUS = `(() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = 1;
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  const rgba = (css) => {
    ctx.clearRect(0, 0, 1, 1);
    ctx.fillStyle = 'rgba(0, 0, 0, 0)';
    ctx.fillStyle = css;
    ctx.fillRect(0, 0, 1, 1);
    const d = ctx.getImageData(0, 0, 1, 1).data;
    return [d[0], d[1], d[2], d[3] / 255];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => Math.round(top[i] * a + bottom[i] * (1 - a))).concat(1);
  };
  // The opaque colour painted behind a node: its background laid over its ancestors'.
  const backdrop = (node) => {
    const layers = [];
    for (let n = node; n && n.nodeType === 1; n = n.parentElement) {
      const c = rgba(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = rgba(getComputedStyle(document.documentElement).colorScheme === 'dark' ? '#000' : '#fff');
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const splitTop = (s) => {
    const parts = []; let depth = 0; let start = 0;
    for (let i = 0; i < s.length; i++) {
      if (s[i] === '(') depth++; else if (s[i] === ')') depth--; else if (s[i] === ',' && depth === 0) { parts.push(s.slice(start, i)); start = i + 1; }
    }
    parts.push(s.slice(start));
    return parts.map((p) => p.trim()).filter(Boolean);
  };
  const style = getComputedStyle(el);
  const behind = backdrop(el.parentElement || el);
  const own = rgba(style.backgroundColor);
  const inside = own[3] > 0 ? over(own, behind) : behind;
  const rings = [];
  const outlineWidth = parseFloat(style.outlineWidth) || 0;
  if (style.outlineStyle !== 'none' && outlineWidth > 0) {
    const gap = parseFloat(style.outlineOffset) || 0;
    rings.push({ colour: over(rgba(style.outlineColor), behind), behind, inside: gap >= 2 ? null : inside });
  }
  if (style.boxShadow && style.boxShadow !== 'none') {
    for (const shadow of splitTop(style.boxShadow)) {
      if (/\\binset\\b/.test(shadow)) continue;
      const colour = /^(rgba?\\([^)]*\\)|color\\([^)]*\\)|#[0-9a-f]+|[a-z]+)/i.exec(shadow);
      const lengths = shadow.slice(colour ? colour[0].length : 0).match(/-?[\\d.]+px/g) || [];
      const spread = parseFloat(lengths[3] || '0');
      if (!colour || spread <= 0) continue;
      rings.push({ colour: over(rgba(colour[1]), behind), behind, inside });
    }
  }
  const label = (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || el.getAttribute('placeholder') || '').trim().replace(/\\s+/g, ' ').slice(0, 40);
  const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  // Identity across Tab presses: the element's place in the document.
  let key = ''; for (let n = el; n && n.parentElement; n = n.parentElement) key = Array.prototype.indexOf.call(n.parentElement.children, n) + '/' + key;
  return { key, element: name + (label ? ' "' + label + '"' : ''), rings };
})()`;

function luminance([r, g, b]: number[]): number {
  const lin = (c: number) => ((c /= 255) <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

/** WCAG contrast ratio of two opaque colours, 1 to 21. */
export function contrast(a: number[], b: number[]): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
}

const hex = (c: number[]) => `#${c.slice(0, 3).map((v) => v.toString(16).padStart(2, '0')).join('')}`;

/**
 * Presses Tab from the top of the page through every focusable element (until focus comes back
 * round, or `max` presses) and returns each element whose focus indicator has less than 3:1
 * contrast against a colour next to it, or no indicator at all. Leaves focus wherever it ended.
 */
export async function focusContrast(page: Page, opts: { max?: number; minimum?: number } = {}): Promise<FocusProblem[]> {
  const max = opts.max ?? 250;
  const minimum = opts.minimum ?? 3;
  await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  const seen = new Set<string>();
  const problems: FocusProblem[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const sample = (await page.evaluate(SAMPLE_FOCUS)) as FocusSample | null;
    if (!sample) {
      if (i > 0) break; // focus left the document: the round is complete
      continue;
    }
    if (seen.has(sample.key)) break;
    seen.add(sample.key);
    if (sample.rings.length === 0) {
      problems.push({ element: sample.element, indicator: 'none', against: '', ratio: 0 });
      continue;
    }
    // The best ring counts; it must stand out from both colours it touches.
    let best: FocusProblem | undefined;
    for (const ring of sample.rings) {
      const sides = [ring.behind, ...(ring.inside ? [ring.inside] : [])];
      const worst = sides.map((side) => ({ side, ratio: contrast(ring.colour, side) })).sort((a, b) => a.ratio - b.ratio)[0];
      const found = { element: sample.element, indicator: hex(ring.colour), against: hex(worst.side), ratio: Math.round(worst.ratio * 100) / 100 };
      if (!best || found.ratio > best.ratio) best = found;
    }
    if (best && best.ratio < minimum) problems.push(best);
  }
  return problems;
}

/**
 * How many Tab presses until focus lands on an element matching `selector` (or inside it), from
 * the top of the page (`fromTop`, the default: nothing focused, as after a load) or from wherever
 * focus is now; `undefined` if it is not reached within `max`.
 */
export async function tabsUntil(page: Page, selector: string, max = 150, fromTop = true): Promise<number | undefined> {
  if (fromTop) await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    const there = await page.evaluate(`(() => { const el = document.activeElement; return !!el && el !== document.body && !!el.closest(${JSON.stringify(selector)}); })()`);
    if (there) return presses;
  }
  return undefined;
}

/**
 * Takes the skip link as a keyboard user does, from a freshly loaded page: Tab (it must be the
 * first stop and say "Skip to content"), Enter, and waits until the browser has followed it.
 * Returns the key presses it took (2).
 */
export async function takeSkipLink(page: Page): Promise<number> {
  await page.keyboard.press('Tab');
  const first = (await page.evaluate('[document.activeElement.textContent, document.activeElement.getAttribute("href")]')) as [string, string | null];
  if (first[0] !== 'Skip to content' || !first[1]?.startsWith('#')) throw new Error(`the first Tab stop on ${page.url()} is "${first[0]}", not the skip link`);
  await page.keyboard.press('Enter');
  // The browser follows the link (and moves focus, or the point Tab continues from, to its
  // target) a moment after the key. Polled with evaluate: Spur's CSP forbids waitForFunction's eval.
  for (const deadline = Date.now() + 2000; ; ) {
    if ((await page.evaluate('location.hash')) === first[1]) break;
    if (Date.now() > deadline) throw new Error(`the skip link on ${page.url()} did not go to ${first[1]}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return 2;
}

/** Tab stops on the page before the first one inside <main>: what a keyboard user must pass on every page. */
export async function tabStopsBeforeMain(page: Page): Promise<number> {
  const presses = await tabsUntil(page, 'main');
  if (presses === undefined) throw new Error(`no focusable element inside <main> on ${page.url()}`);
  return presses - 1;
}

/**
 * How many rows the items of a container are laid out in (distinct top edges of its visible
 * children, a few pixels apart counting as one): 1 for a header that fits on one line.
 */
export async function rowsOf(page: Page, selector: string): Promise<number> {
  return (await page.evaluate(`(() => {
    const root = document.querySelector(${JSON.stringify(selector)});
    if (!root) throw new Error('no ' + ${JSON.stringify(selector)} + ' on the page');
    const tops = [];
    const visit = (el) => {
      for (const child of Array.from(el.children)) {
        const box = child.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (getComputedStyle(child).display === 'contents' || child.tagName === 'NAV' || child.tagName === 'FORM') visit(child);
        else if (!tops.some((t) => Math.abs(t - box.top) < 8)) tops.push(box.top);
      }
    };
    visit(root);
    return tops.length;
  })()`)) as number;
}

/** Placeholders with less than 4.5:1 contrast against their field's background (WCAG 1.4.3). */
export async function placeholderContrast(page: Page, minimum = 4.5): Promise<{ element: string; ratio: number }[]> {
  const samples = (await page.evaluate(`(() => {
    const canvas = document.createElement('canvas'); canvas.width = canvas.height = 1;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    const rgba = (css) => { ctx.clearRect(0, 0, 1, 1); ctx.fillStyle = 'rgba(0,0,0,0)'; ctx.fillStyle = css; ctx.fillRect(0, 0, 1, 1); const d = ctx.getImageData(0, 0, 1, 1).data; return [d[0], d[1], d[2], d[3] / 255]; };
    const over = (t, b) => [0, 1, 2].map((i) => Math.round(t[i] * t[3] + b[i] * (1 - t[3]))).concat(1);
    const backdrop = (node) => { const layers = []; for (let n = node; n && n.nodeType === 1; n = n.parentElement) { const c = rgba(getComputedStyle(n).backgroundColor); if (c[3] > 0) layers.push(c); if (c[3] >= 1) break; } let colour = [255, 255, 255, 1]; for (const l of layers.reverse()) colour = over(l, colour); return colour; };
    return Array.from(document.querySelectorAll('input[placeholder], textarea[placeholder]')).filter((el) => el.placeholder && el.getClientRects().length).map((el) => {
      const bg = backdrop(el);
      return { element: el.tagName.toLowerCase() + '[name=' + el.name + ']', fg: over(rgba(getComputedStyle(el, '::placeholder').color), bg), bg };
    });
  })()`)) as { element: string; fg: number[]; bg: number[] }[];
  return samples.map((s) => ({ element: s.element, ratio: Math.round(contrast(s.fg, s.bg) * 100) / 100 })).filter((s) => s.ratio < minimum);
}

/** Cells of a table whose header row is hidden (a phone-width table turned list) that show no
 *  column label of their own; a row's first cell is its title and needs none. */
export async function unlabelledColumns(page: Page, selector = 'main table'): Promise<string[]> {
  // A cell holding only links or buttons (an Actions column) names itself.
  return (await page.evaluate(`(() => {
    const problems = [];
    for (const table of Array.from(document.querySelectorAll(${JSON.stringify(selector)}))) {
      const head = table.querySelector('thead');
      if (!head || head.getBoundingClientRect().right > 0) continue; // headers still shown
      for (const cell of Array.from(table.querySelectorAll('tbody td:not(:first-child)'))) {
        const text = cell.textContent.trim();
        if (!cell.getClientRects().length || !text) continue;
        const controls = Array.from(cell.querySelectorAll('a, button, summary')).map((c) => c.textContent).join('').replace(/\\s/g, '');
        if (controls === text.replace(/\\s/g, '')) continue;
        const label = getComputedStyle(cell, '::before').content;
        if (!label || label === 'none' || label === 'normal' || label === '""') problems.push((table.className || 'table') + ': "' + text.slice(0, 30) + '"');
      }
    }
    return problems;
  })()`)) as string[];
}
