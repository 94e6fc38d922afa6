// A pass-through stream that counts the bytes going through it and hashes them (SHA-256), so a
// backup is hashed as it is written, never held in memory.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';

export function digestingStream(): { stream: Transform; digest: () => { size: number; sha256: string } } {
  const hash = createHash('sha256');
  let size = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _e, done) {
      hash.update(chunk);
      size += chunk.length;
      done(null, chunk);
    },
  });
  return { stream, digest: () => ({ size, sha256: hash.digest('hex') }) };
}
