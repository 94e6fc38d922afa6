// Copies of backups in S3-compatible storage (AWS, Backblaze B2, Cloudflare R2, MinIO …): files
// are streamed up and down, never held whole in memory. The SDK's side is s3-client.ts, loaded
// the first time storage is used.
import type { ReadStream } from 'node:fs';

export interface S3Settings {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** Keys start with it (no leading or trailing slash). */
  prefix: string;
}

export interface RemoteStorage {
  /** The bucket answers to these keys; throws, saying why, otherwise. */
  check(): Promise<void>;
  upload(key: string, body: ReadStream): Promise<void>;
  /** Streams the object to `file` (written whole or not at all). */
  download(key: string, file: string): Promise<void>;
  remove(key: string): Promise<void>;
}

/** An S3 error in one line a person can act on. */
export function describeS3Error(err: unknown, s: Pick<S3Settings, 'bucket' | 'endpoint'>): string {
  const e = err as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number } };
  const status = e.$metadata?.httpStatusCode;
  if (e.code === 'ECONNREFUSED' || e.code === 'ENOTFOUND' || e.code === 'ETIMEDOUT' || e.name === 'TimeoutError') return `cannot reach ${s.endpoint} (${e.code ?? e.name})`;
  if (e.name === 'NoSuchBucket' || (e.name === 'NotFound' && status === 404)) return `bucket ${s.bucket} does not exist at ${s.endpoint}`;
  if (status === 403 || e.name === 'InvalidAccessKeyId' || e.name === 'SignatureDoesNotMatch' || e.name === 'AccessDenied') return `${s.endpoint} refused the keys for bucket ${s.bucket} (${e.name ?? status})`;
  return `${s.endpoint}: ${e.name ?? 'error'}${status ? ` (HTTP ${status})` : ''}${e.message && e.message !== e.name && e.message !== 'UnknownError' ? `: ${e.message}` : ''}`;
}

export function s3Storage(s: S3Settings): RemoteStorage {
  let connected: Promise<{ sdk: typeof import('./s3-client.js'); s3: import('@aws-sdk/client-s3').S3Client }> | undefined;
  const connect = () => (connected ??= import('./s3-client.js').then((sdk) => ({ sdk, s3: sdk.s3Client(s) })));
  const key = (k: string) => (s.prefix ? `${s.prefix}/${k}` : k);
  const run = async (work: (c: Awaited<ReturnType<typeof connect>>) => Promise<void>) => {
    const c = await connect();
    try {
      await work(c);
    } catch (err) {
      throw new Error(describeS3Error(err, s));
    }
  };
  return {
    check: () => run(({ sdk, s3 }) => sdk.headBucket(s3, s.bucket)),
    upload: (k, body) => run(({ sdk, s3 }) => sdk.putObject(s3, s.bucket, key(k), body)),
    download: (k, file) => run(({ sdk, s3 }) => sdk.getObjectToFile(s3, s.bucket, key(k), file)),
    remove: (k) => run(({ sdk, s3 }) => sdk.deleteObject(s3, s.bucket, key(k))),
  };
}
