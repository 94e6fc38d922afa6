// Splits Docker's multiplexed log stream (8-byte frame headers) and raw text into lines. Pure.

/** Incremental decoder: feed chunks, get complete lines. Non-multiplexed input passes through. */
export class LogLineDecoder {
  private pending = Buffer.alloc(0);
  private text = '';
  private multiplexed: boolean | undefined;

  push(chunk: Buffer): string[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.multiplexed === undefined && this.pending.length >= 8) {
      const b = this.pending;
      this.multiplexed = b[0] <= 2 && b[1] === 0 && b[2] === 0 && b[3] === 0;
    }
    if (this.multiplexed === undefined) return [];
    if (!this.multiplexed) {
      this.text += this.pending.toString('utf8');
      this.pending = Buffer.alloc(0);
    } else {
      while (this.pending.length >= 8) {
        const size = this.pending.readUInt32BE(4);
        if (this.pending.length < 8 + size) break;
        this.text += this.pending.subarray(8, 8 + size).toString('utf8');
        this.pending = this.pending.subarray(8 + size);
      }
    }
    return this.takeLines();
  }

  /** Whatever is left once the stream has ended. */
  end(): string[] {
    if (this.multiplexed === false || this.multiplexed === undefined) this.text += this.pending.toString('utf8');
    this.pending = Buffer.alloc(0);
    const rest = this.takeLines();
    if (this.text) rest.push(this.text);
    this.text = '';
    return rest;
  }

  private takeLines(): string[] {
    const parts = this.text.split('\n');
    this.text = parts.pop() ?? '';
    return parts.map((l) => l.replace(/\r$/, ''));
  }
}

export type OutputStream = 'stdout' | 'stderr';

/** A line longer than this is cut: output without line ends (a progress bar, binary data) must
 *  not grow one line without bound. */
export const MAX_LINE_BYTES = 64 * 1024;

/** Incremental decoder of a non-TTY container's multiplexed output into complete lines, each with
 *  the stream it was written to (a line is never cut at a frame's end, nor a UTF-8 character; a
 *  line longer than MAX_LINE_BYTES is given in pieces of that size). */
export class StreamLineDecoder {
  private pending = Buffer.alloc(0);
  private readonly partial: Record<OutputStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };

  push(chunk: Buffer): { stream: OutputStream; line: string }[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const out: { stream: OutputStream; line: string }[] = [];
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      const stream: OutputStream = this.pending[0] === 2 ? 'stderr' : 'stdout';
      let text = Buffer.concat([this.partial[stream], this.pending.subarray(8, 8 + size)]);
      this.pending = this.pending.subarray(8 + size);
      let nl: number;
      while ((nl = text.indexOf(0x0a)) >= 0) {
        out.push({ stream, line: text.subarray(0, nl).toString('utf8').replace(/\r$/, '') });
        text = text.subarray(nl + 1);
      }
      while (text.length > MAX_LINE_BYTES) {
        // Cut where no UTF-8 character is split: back off over continuation bytes.
        let cut = MAX_LINE_BYTES;
        while (cut > 0 && (text[cut]! & 0xc0) === 0x80) cut--;
        out.push({ stream, line: text.subarray(0, cut).toString('utf8') });
        text = text.subarray(cut);
      }
      this.partial[stream] = Buffer.from(text);
    }
    return out;
  }

  /** The unfinished last line of each stream, once the output has ended. */
  end(): { stream: OutputStream; line: string }[] {
    const rest = (['stdout', 'stderr'] as const).filter((s) => this.partial[s].length > 0).map((stream) => ({ stream, line: this.partial[stream].toString('utf8') }));
    this.partial.stdout = this.partial.stderr = Buffer.alloc(0);
    return rest;
  }
}
