/**
 * Who may use a bucket. Buckets belong to the account that created them and any principal of that account
 * (its root or an assumed-role session) may use them; bucket policies and ACLs are not modelled, so another
 * account is always denied. The region check comes first, as in S3, whose regional front ends reject a request
 * signed for another region before looking at permissions.
 */
import type { CallContext, RawRequest } from '../framework';
import { s3Errors } from './errors';
import type { Bucket, S3Store } from './model';
import { header } from './request';

export function accessibleBucket(store: S3Store, name: string, req: RawRequest, ctx: CallContext): Bucket {
  const bucket = store.buckets.get(name);
  if (!bucket) throw s3Errors.noSuchBucket(name);
  if (bucket.region !== ctx.region) throw s3Errors.wrongRegion(ctx.region, bucket.region);
  if (bucket.ownerAccountId !== ctx.accountId) throw s3Errors.accessDenied();
  // ExpectedBucketOwner: a caller's guard against writing into a bucket someone else took the name of.
  const expectedOwner = header(req, 'x-amz-expected-bucket-owner');
  if (expectedOwner !== undefined && expectedOwner !== bucket.ownerAccountId) throw s3Errors.accessDenied();
  return bucket;
}
