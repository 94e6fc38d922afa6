// The AWS SDK's side of S3 storage (see s3.ts): bundled on its own and compiled the first time a
// backup is copied, so an idle Spur never loads it.
import { createWriteStream, type ReadStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { S3Settings } from './s3.js';

// The SDK's notice about future Node versions is about its own releases, not this pinned one.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export function s3Client(s: S3Settings): S3Client {
  return new S3Client({
    endpoint: s.endpoint,
    region: s.region,
    credentials: { accessKeyId: s.accessKeyId, secretAccessKey: s.secretAccessKey },
    // Path-style addressing and checksums only where required: what every S3-compatible server
    // understands, not only AWS.
    forcePathStyle: true,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
    requestHandler: { connectionTimeout: 10_000, requestTimeout: 120_000 },
  });
}

export async function headBucket(s3: S3Client, bucket: string): Promise<void> {
  await s3.send(new HeadBucketCommand({ Bucket: bucket }));
}

/** Streams the body up, in parts when it is large. */
export async function putObject(s3: S3Client, bucket: string, key: string, body: ReadStream): Promise<void> {
  await new Upload({ client: s3, params: { Bucket: bucket, Key: key, Body: body } }).done();
}

/** Streams the object to `file` (written whole or not at all). */
export async function getObjectToFile(s3: S3Client, bucket: string, key: string, file: string): Promise<void> {
  const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const partial = `${file}.part`;
  try {
    await pipeline(answer.Body as Readable, createWriteStream(partial, { mode: 0o600 }));
    await rename(partial, file);
  } catch (err) {
    await rm(partial, { force: true });
    throw err;
  }
}

export async function deleteObject(s3: S3Client, bucket: string, key: string): Promise<void> {
  await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
}
