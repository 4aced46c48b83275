/** Bucket operations: CreateBucket, HeadBucket, DeleteBucket, ListBuckets. */
import { createHash } from 'node:crypto';
import type { CallContext, RawRequest, RawResponse } from '../framework';
import { accessibleBucket } from './access';
import { isValidBucketName } from './bucket-names';
import { s3Errors } from './errors';
import type { S3Store } from './model';
import { emptyResponse, isoTime, xmlResponse } from './respond';
import { hasRoot, textOf } from './xml';

/** us-east-1 is S3's oldest region: buckets there have no LocationConstraint, and old behaviours remain. */
const US_EAST_1 = 'us-east-1';

/** A stable canonical user id per account (S3's 64-hex Owner ID). */
export const canonicalId = (accountId: string) => createHash('sha256').update(`canonical-user:${accountId}`).digest('hex');

/**
 * The bucket's region from CreateBucketConfiguration. The SDK adds LocationConstraint = the client's region
 * itself outside us-east-1. A regional endpoint accepts only its own region; us-east-1 takes no constraint at all.
 */
function regionOf(req: RawRequest, signingRegion: string): string {
  let constraint: string | undefined;
  if (req.body.trim() !== '') {
    if (!hasRoot(req.body, 'CreateBucketConfiguration')) throw s3Errors.malformedXml();
    constraint = textOf(req.body, 'LocationConstraint') || undefined;
  }
  if (signingRegion === US_EAST_1) {
    if (constraint === US_EAST_1) throw s3Errors.invalidLocationConstraint(constraint);
    if (constraint !== undefined) throw s3Errors.illegalLocationConstraint(constraint);
    return US_EAST_1;
  }
  if (constraint !== signingRegion) throw s3Errors.illegalLocationConstraint(constraint);
  return signingRegion;
}

export function createBucket(store: S3Store, name: string, req: RawRequest, ctx: CallContext, now: number): RawResponse {
  if (!isValidBucketName(name)) throw s3Errors.invalidBucketName(name);
  const region = regionOf(req, ctx.region);
  const existing = store.buckets.get(name);
  if (existing) {
    if (existing.ownerAccountId !== ctx.accountId) throw s3Errors.bucketAlreadyExists(name);
    // S3's legacy: re-creating your own bucket in us-east-1 succeeds; every other region says 409.
    if (!(existing.region === US_EAST_1 && region === US_EAST_1)) throw s3Errors.bucketAlreadyOwnedByYou(name);
  } else {
    store.createBucket(name, ctx.accountId, region, now);
  }
  return emptyResponse(ctx, 200, { location: `/${name}` });
}

export function headBucket(store: S3Store, name: string, req: RawRequest, ctx: CallContext): RawResponse {
  const bucket = accessibleBucket(store, name, req, ctx);
  return emptyResponse(ctx, 200, { 'x-amz-bucket-region': bucket.region, 'x-amz-access-point-alias': 'false' });
}

export function deleteBucket(store: S3Store, name: string, req: RawRequest, ctx: CallContext): RawResponse {
  const bucket = accessibleBucket(store, name, req, ctx);
  if (bucket.objects.size > 0) throw s3Errors.bucketNotEmpty(name);
  store.buckets.delete(name);
  return emptyResponse(ctx, 204);
}

/**
 * The caller's buckets in every region, by name, optionally filtered by `prefix` and `bucket-region`. Its
 * pagination (max-buckets, continuation-token) is not modelled: such a request is answered NotImplemented.
 */
export function listBuckets(store: S3Store, req: RawRequest, ctx: CallContext): RawResponse {
  const prefix = req.query.get('prefix') ?? undefined;
  const region = req.query.get('bucket-region') ?? undefined;
  const own = [...store.buckets.values()]
    .filter((b) => b.ownerAccountId === ctx.accountId && (!prefix || b.name.startsWith(prefix)) && (!region || b.region === region))
    .sort((a, b) => (a.name < b.name ? -1 : 1));
  return xmlResponse(ctx, 'ListAllMyBucketsResult', {
    Owner: { ID: canonicalId(ctx.accountId) },
    Buckets: { Bucket: own.map((b) => ({ Name: b.name, CreationDate: isoTime(b.createdAt), BucketRegion: b.region })) },
    Prefix: prefix,
  });
}
