// Copies of backups in S3-compatible storage (AWS, Backblaze B2, Cloudflare R2, MinIO …) through
// the AWS SDK: files are streamed up and down, never held whole in memory. The SDK is loaded the
// first time storage is used, so an installation without it pays nothing.
import { createWriteStream, type ReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { S3Client } from '@aws-sdk/client-s3';

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
  /** Where an object is, for people: s3://bucket/key at the endpoint. */
  describe(key: string): string;
  /** The bucket answers to these keys; throws, saying why, otherwise. */
  check(): Promise<void>;
  upload(key: string, body: ReadStream): Promise<void>;
  /** Streams the object to `file` (written whole or not at all). */
  download(key: string, file: string): Promise<void>;
  remove(key: string): Promise<void>;
}

// The SDK's notice about future Node versions is about its own releases, not this pinned one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

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
  let client: Promise<{ sdk: typeof import('@aws-sdk/client-s3'); s3: S3Client }> | undefined;
  const connect = () =>
    (client ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      s3: new sdk.S3Client({
        endpoint: s.endpoint,
        region: s.region,
        credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
        // Path-style addressing and checksums only where required: what every S3-compatible
        // server understands, not only AWS.
        forcePathStyle: true,
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
        maxAttempts: 3,
        requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
      }),
    })));
  const fail = (err: unknown): never => {
    throw new Error(describeS3Error(err, s));
  };
  const Bucket = s.bucket;
  const full = (key: string) => (s.prefix ? `${s.prefix}/${key}` : key);
  return {
    describe: (key) => `s3://${s.bucket}/${full(key)} at ${s.endpoint}`,
    async check() {
      const { sdk, s3 } = await connect();
      await s3.send(new sdk.HeadBucketCommand({ Bucket })).catch(fail);
    },
    async upload(key, body) {
      const [{ s3 }, { Upload }] = await Promise.all([connect(), import('@aws-sdk/lib-storage')]);
      await new Upload({ client: s3, params: { Bucket, Key: full(key), Body: body } }).done().catch(fail);
    },
    async download(key, file) {
      const { sdk, s3 } = await connect();
      const answer = await s3.send(new sdk.GetObjectCommand({ Bucket, Key: full(key) })).catch(fail);
      const partial = `${file}.part`;
      try {
        await pipeline(answer.Body as Readable, createWriteStream(partial, { mode: 0o600 }));
        await rename(partial, file);
      } catch (err) {
        await rm(partial, { force: true });
        throw new Error(`downloading ${full(key)} from ${s.endpoint} failed: ${(err as Error).message}`);
      }
    },
    async remove(key) {
      const { sdk, s3 } = await connect();
      await s3.send(new sdk.DeleteObjectCommand({ Bucket, Key: full(key) })).catch(fail);
    },
  };
}
