/**
 * The policy store: one S3 bucket holding the policy bundle, the account shards and the compiled endpoint mapping
 * (see documents.ts; infra/README.md says why S3). Reads are conditional on the ETag, so a poll that finds nothing
 * new costs a 304 and no body; writes are conditional too (`If-Match` / `If-None-Match: *`), so two writers of one
 * object can never silently overwrite each other: the loser is told and reads again.
 */
import {
  DeleteObjectCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

export const BUNDLE_KEY = 'policies/bundle.json';
export const MAPPING_KEY = 'mapping/endpoints.json';
export const SHARD_PREFIX = 'mapping/accounts/';

export const shardKey = (accountId: string) => `${SHARD_PREFIX}${accountId}.json`;

export type ObjectRead =
  | { readonly kind: 'found'; readonly text: string; readonly etag: string }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'missing' };

/** What a conditional write requires of the object's current state. */
export type WriteCondition = { readonly ifMatch: string } | { readonly ifAbsent: true } | 'unconditional';

export type ObjectWrite = { readonly kind: 'written'; readonly etag: string } | { readonly kind: 'conflict' };

interface ErrorWithStatus {
  readonly name?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

function statusOf(error: unknown): number | undefined {
  return (error as ErrorWithStatus | undefined)?.$metadata?.httpStatusCode;
}

/** GET, or `unchanged` when the object's ETag is still `knownEtag` (S3 answers 304 without a body). */
export async function readObject(s3: S3Client, bucket: string, key: string, knownEtag?: string): Promise<ObjectRead> {
  try {
    const response = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key, ...(knownEtag === undefined ? {} : { IfNoneMatch: knownEtag }) }));
    const text = (await response.Body?.transformToString('utf8')) ?? '';
    if (response.ETag === undefined) throw new Error(`GetObject s3://${bucket}/${key} answered without an ETag`);
    return { kind: 'found', text, etag: response.ETag };
  } catch (error) {
    if (statusOf(error) === 304) return { kind: 'unchanged' };
    if ((error as ErrorWithStatus).name === 'NoSuchKey') return { kind: 'missing' };
    throw error;
  }
}

/**
 * PUT under a condition. `conflict`: the object changed since it was read, was created meanwhile, or another
 * conditional write was in flight (S3's 412 PreconditionFailed, 409 ConditionalRequestConflict, or 404 for an
 * `If-Match` on an object deleted since).
 */
export async function writeObject(s3: S3Client, bucket: string, key: string, text: string, condition: WriteCondition): Promise<ObjectWrite> {
  try {
    const response = await s3.send(
      new PutObjectCommand({
        Bucket: bucket,
        Key: key,
        Body: text,
        ContentType: 'application/json',
        ...(condition === 'unconditional' ? {} : 'ifMatch' in condition ? { IfMatch: condition.ifMatch } : { IfNoneMatch: '*' }),
      }),
    );
    if (response.ETag === undefined) throw new Error(`PutObject s3://${bucket}/${key} answered without an ETag`);
    return { kind: 'written', etag: response.ETag };
  } catch (error) {
    const status = statusOf(error);
    if (status === 412 || status === 409 || (status === 404 && condition !== 'unconditional' && 'ifMatch' in condition)) return { kind: 'conflict' };
    throw error;
  }
}

/** DELETE, conditional on the ETag when one is given (S3 supports `If-Match` on DeleteObject): `conflict` as for writes. */
export async function deleteObject(s3: S3Client, bucket: string, key: string, ifMatch?: string): Promise<{ readonly kind: 'deleted' } | { readonly kind: 'conflict' }> {
  try {
    await s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key, ...(ifMatch === undefined ? {} : { IfMatch: ifMatch }) }));
    return { kind: 'deleted' };
  } catch (error) {
    const status = statusOf(error);
    if (ifMatch !== undefined && (status === 412 || status === 409 || status === 404)) return { kind: 'conflict' };
    throw error;
  }
}

/** Every key under `prefix` with its ETag, 1,000 per page (S3's largest). */
export async function listObjects(s3: S3Client, bucket: string, prefix: string): Promise<{ key: string; etag: string }[]> {
  const objects: { key: string; etag: string }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, MaxKeys: 1000, ContinuationToken: token }));
    for (const object of page.Contents ?? []) {
      if (object.Key !== undefined && object.ETag !== undefined) objects.push({ key: object.Key, etag: object.ETag });
    }
    token = page.IsTruncated === true ? page.NextContinuationToken : undefined;
  } while (token !== undefined);
  return objects;
}
