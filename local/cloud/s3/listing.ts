/**
 * ListObjectsV2 (`GET /bucket?list-type=2`): keys in UTF-8 order from `prefix`, after `start-after` or the
 * continuation token, at most `max-keys` (default and ceiling 1000) entries per page, keys and common prefixes
 * (with `delimiter`) counted together. The continuation token names the last entry returned, not an offset, so
 * keys written or deleted between pages do not shift the next page, as in S3.
 */
import type { CallContext, RawRequest, RawResponse } from '../framework';
import { canonicalId } from './buckets';
import { s3Errors } from './errors';
import { compareKeys } from './model';
import type { Bucket, S3Store, StoredObject } from './model';
import { isoTime, xmlResponse } from './respond';
import type { XmlObject } from './xml';

const PAGE_LIMIT = 1000;

interface Token {
  /** The bucket the token was issued for: another bucket's token is not valid here. */
  readonly bucket: string;
  /** The last key, or common prefix, of the previous page. */
  readonly after: string;
  /** `after` is a common prefix: resume after every key under it. */
  readonly prefix: boolean;
}

const encodeToken = (token: Token) => Buffer.from(JSON.stringify([token.bucket, token.after, token.prefix])).toString('base64');

function decodeToken(raw: string, bucket: string): Token {
  try {
    const [tokenBucket, after, prefix] = JSON.parse(Buffer.from(raw, 'base64').toString('utf8')) as unknown[];
    if (tokenBucket === bucket && typeof after === 'string' && typeof prefix === 'boolean') return { bucket, after, prefix };
  } catch {
    // Falls through to S3's answer for a token it did not issue.
  }
  throw s3Errors.invalidArgument('The continuation token provided is incorrect', 'continuation-token', raw);
}

function maxKeysOf(req: RawRequest): { requested: number; page: number } {
  const raw = req.query.get('max-keys');
  if (raw === null) return { requested: PAGE_LIMIT, page: PAGE_LIMIT };
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || !Number.isSafeInteger(value) || value > 2 ** 31 - 1) {
    throw s3Errors.invalidArgument('Provided max-keys not an integer or within integer range', 'max-keys', raw);
  }
  // S3 echoes what was asked for but never returns more than 1000 entries.
  return { requested: value, page: Math.min(value, PAGE_LIMIT) };
}

/** The index of the first key in `keys` (sorted) that sorts after `after` (or at/after it when `inclusive`). */
function firstIndexAfter(keys: readonly string[], after: string, inclusive: boolean): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    const order = compareKeys(keys[mid] ?? '', after);
    if (order < 0 || (order === 0 && !inclusive)) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Skips every key that starts with `prefix` from `index` on (they sort together). */
function skipPrefix(keys: readonly string[], index: number, prefix: string): number {
  let i = index;
  while (i < keys.length && (keys[i] ?? '').startsWith(prefix)) i++;
  return i;
}

export function listObjectsV2(store: S3Store, bucket: Bucket, req: RawRequest, ctx: CallContext): RawResponse {
  const prefix = req.query.get('prefix') ?? '';
  const delimiter = req.query.get('delimiter') || undefined;
  const startAfter = req.query.get('start-after') ?? undefined;
  const continuationToken = req.query.get('continuation-token') ?? undefined;
  const fetchOwner = req.query.get('fetch-owner') === 'true';
  const encodingType = req.query.get('encoding-type');
  // Keys go out as XML text either way; without EncodingType in the answer, clients do not URL-decode them.
  if (encodingType !== null && encodingType !== 'url') throw s3Errors.invalidArgument('Invalid Encoding Method specified in Request', 'encoding-type', encodingType);
  const { requested, page } = maxKeysOf(req);

  const keys = store.keysInOrder(bucket);
  // A continuation token takes precedence over start-after (which S3 still echoes).
  const token = continuationToken === undefined ? undefined : decodeToken(continuationToken, bucket.name);
  let i = firstIndexAfter(keys, prefix, true);
  if (token) i = Math.max(i, token.prefix ? skipPrefix(keys, firstIndexAfter(keys, token.after, true), token.after) : firstIndexAfter(keys, token.after, false));
  else if (startAfter !== undefined) i = Math.max(i, firstIndexAfter(keys, startAfter, false));

  const contents: StoredObject[] = [];
  const commonPrefixes: string[] = [];
  let last: Token | undefined;
  while (i < keys.length && contents.length + commonPrefixes.length < page) {
    const key = keys[i] ?? '';
    if (!key.startsWith(prefix)) break;
    const cut = delimiter === undefined ? -1 : key.indexOf(delimiter, prefix.length);
    if (cut === -1) {
      const object = bucket.objects.get(key);
      if (object) contents.push(object);
      last = { bucket: bucket.name, after: key, prefix: false };
      i++;
    } else {
      const common = key.slice(0, cut + (delimiter ?? '').length);
      commonPrefixes.push(common);
      last = { bucket: bucket.name, after: common, prefix: true };
      i = skipPrefix(keys, i, common);
    }
  }
  const isTruncated = last !== undefined && i < keys.length && (keys[i] ?? '').startsWith(prefix);

  const body: XmlObject = {
    Name: bucket.name,
    Prefix: prefix,
    Delimiter: delimiter,
    MaxKeys: requested,
    KeyCount: contents.length + commonPrefixes.length,
    IsTruncated: isTruncated,
    ContinuationToken: continuationToken,
    NextContinuationToken: isTruncated && last ? encodeToken(last) : undefined,
    StartAfter: startAfter,
    Contents: contents.map((o) => ({
      Key: o.key,
      LastModified: isoTime(o.lastModified),
      ETag: o.etag,
      ChecksumAlgorithm: o.checksum?.algorithm,
      ChecksumType: o.checksum ? 'FULL_OBJECT' : undefined,
      Size: o.body.length,
      StorageClass: o.storageClass,
      Owner: fetchOwner ? { ID: canonicalId(bucket.ownerAccountId) } : undefined,
    })),
    CommonPrefixes: commonPrefixes.map((p) => ({ Prefix: p })),
  };
  return xmlResponse(ctx, 'ListBucketResult', body);
}
