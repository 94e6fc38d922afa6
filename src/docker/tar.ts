// A tar stream of one file (ustar), for copying a file into a container before it starts
// (PUT /containers/<id>/archive). Streams the file: nothing is held in memory.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { PassThrough, type Readable } from 'node:stream';

const BLOCK = 512;

/** The 512-byte ustar header of a regular file. Pure. */
export function tarHeader(name: string, size: number, mode = 0o644, mtime = Math.floor(Date.now() / 1000)): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  const h = Buffer.alloc(BLOCK);
  const octal = (n: number, width: number) => n.toString(8).padStart(width - 1, '0') + '\0';
  h.write(name, 0, 100, 'utf8');
  h.write(octal(mode, 8), 100);
  h.write(octal(0, 8), 108);
  h.write(octal(0, 8), 116);
  h.write(octal(size, 12), 124);
  h.write(octal(mtime, 12), 136);
  h.fill(' ', 148, 156);
  h.write('0', 156);
  h.write('ustar\0', 257);
  h.write('00', 263);
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(octal(sum, 7) + ' ', 148);
  return h;
}

/** A tar archive holding `file` under `name`. */
export async function tarOfFile(file: string, name: string, mode = 0o644): Promise<Readable> {
  const { size } = await stat(file);
  const out = new PassThrough();
  out.write(tarHeader(name, size, mode));
  const body = createReadStream(file);
  body.on('error', (err) => out.destroy(err));
  body.on('end', () => out.end(Buffer.alloc((BLOCK - (size % BLOCK)) % BLOCK + 2 * BLOCK)));
  body.pipe(out, { end: false });
  return out;
}
