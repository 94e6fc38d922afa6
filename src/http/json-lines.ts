// Answers as JSON lines (one JSON value a line), streamed as they come: for exports, which may be
// far larger than one answer should hold in memory.
import { InvalidInput } from '../errors.js';

/** The `format` a query asks for: JSON (the default) or JSON lines; anything else is refused. */
export function answerFormat(format: string | undefined): 'json' | 'jsonl' {
  if (format === undefined || format === 'json') return 'json';
  if (format === 'jsonl') return 'jsonl';
  throw new InvalidInput('format', 'json or jsonl');
}

/** A download of `values`, one JSON line each, pulled one at a time as the client reads. */
export function jsonLinesResponse(values: AsyncIterable<unknown>, filename: string): Response {
  const encoder = new TextEncoder();
  const iterator = values[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(`${JSON.stringify(next.value)}\n`));
    },
    async cancel() {
      await iterator.return?.(undefined);
    },
  });
  return new Response(body, { headers: { 'Content-Type': 'application/x-ndjson; charset=utf-8', 'Content-Disposition': `attachment; filename="${filename}"`, 'Cache-Control': 'no-store' } });
}
