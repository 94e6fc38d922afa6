// Reads the README's shell blocks, so the walkthrough tier runs the commands the README shows.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { expect } from 'vitest';

export interface ShellBlock {
  /** The nearest heading above the block, without its hashes. */
  heading: string;
  /** Logical lines: continuations joined, blank lines dropped; comment lines kept. */
  lines: string[];
}

export const README = resolve(__dirname, '..', 'README.md');

export function readmeShellBlocks(markdown = readFileSync(README, 'utf8')): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  let heading = '';
  let current: string[] | undefined;
  for (const raw of markdown.split('\n')) {
    if (current) {
      if (raw.startsWith('```')) {
        blocks.push({ heading, lines: joinContinuations(current) });
        current = undefined;
      } else current.push(raw);
    } else if (/^#{1,6} /.test(raw)) heading = raw.replace(/^#+ /, '').trim();
    else if (/^```(sh|bash|shell)\s*$/.test(raw)) current = [];
  }
  return blocks;
}

function joinContinuations(lines: string[]): string[] {
  const out: string[] = [];
  let pending = '';
  for (const line of lines) {
    if (line.trimEnd().endsWith('\\')) {
      pending += line.trimEnd().slice(0, -1).trim() + ' ';
      continue;
    }
    const full = (pending + line.trim()).trim();
    pending = '';
    if (full) out.push(full);
  }
  return out;
}

/** The command without a trailing `# comment`, as a reader's eye splits it. */
export const withoutComment = (line: string) => line.replace(/\s+#\s.*$/, '').trim();
export const isComment = (line: string) => line.startsWith('#');

/** Every command of the README's shell block under `heading` was run, in its order, as `walked`
 *  records them (comments aside). */
export function expectReadmeWalked(heading: string, walked: string[]): void {
  const block = readmeShellBlocks().find((b) => b.heading === heading);
  expect(block, `the README has no shell block under "${heading}"`).toBeDefined();
  let at = 0;
  for (const line of block!.lines.filter((l) => !isComment(l))) {
    const found = walked.indexOf(withoutComment(line), at);
    expect(found, `README line not walked (in order): ${line}\nwalked: ${walked.join('\n')}`).toBeGreaterThanOrEqual(0);
    at = found + 1;
  }
}
