// Reading a Server-Sent Events response in app-tier tests (no socket): what has arrived so far,
// and the whole stream once its `done` event came or it ended.

/** Starts reading `res`'s event stream at once; `text()` is what has arrived so far, `finished`
 *  settles with all of it once `event: done` arrived (or the stream ended). */
export function readEvents(res: Response): { text: () => string; finished: Promise<string> } {
  const reader = res.body!.getReader();
  let text = '';
  const finished = (async () => {
    while (!/event: done/.test(text)) {
      const { value, done } = await reader.read();
      if (done) break;
      text += new TextDecoder().decode(value);
    }
    return text;
  })();
  return { text: () => text, finished };
}

/** Each event in a stream's text, as [name, data] (data of several lines joined by newlines). */
export const eventsIn = (text: string): [string, string][] =>
  text.split('\n\n').filter(Boolean).map((block) => [/^event: (.*)$/m.exec(block)?.[1] ?? '', block.split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n')]);
