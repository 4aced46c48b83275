/**
 * Conditional requests as S3 documents them. Reads follow RFC 7232's order: If-Match, else If-Unmodified-Since
 * (412); then If-None-Match, else If-Modified-Since (304). So If-Match true with If-Unmodified-Since false is
 * 200, and If-None-Match false with If-Modified-Since true is 304, the two cases S3's GetObject calls out.
 * Writes (S3's conditional writes): If-None-Match `*` and If-Match `<etag>`, checked and applied in one step,
 * which is what makes them a compare-and-swap.
 */
import type { RawRequest } from '../framework';
import { s3Errors } from './errors';
import type { StoredObject } from './model';
import { header } from './request';

/** An entity tag without quotes or weakness marker: S3 compares `"abc"`, `abc` and `W/"abc"` alike. */
const bare = (etag: string) => etag.trim().replace(/^W\//, '').replace(/^"(.*)"$/, '$1');

/** Whether an If-Match/If-None-Match value (`*` or a comma-separated list) names the object's ETag. */
function matches(value: string, object: StoredObject): boolean {
  if (value.trim() === '*') return true;
  const etag = bare(object.etag);
  return value.split(',').some((candidate) => bare(candidate) === etag);
}

/** An HTTP date in whole seconds, or undefined: RFC 7232 ignores a condition whose date does not parse. */
function dateOf(req: RawRequest, name: string): number | undefined {
  const value = header(req, name);
  const parsed = value === undefined ? NaN : Date.parse(value);
  return Number.isNaN(parsed) ? undefined : parsed;
}

export type ReadDecision = 'proceed' | 'not-modified';

/** GetObject/HeadObject: 'proceed', 'not-modified' (304), or throws PreconditionFailed (412). */
export function evaluateRead(req: RawRequest, object: StoredObject): ReadDecision {
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined) {
    if (!matches(ifMatch, object)) throw s3Errors.preconditionFailed('If-Match');
  } else {
    const unmodifiedSince = dateOf(req, 'if-unmodified-since');
    if (unmodifiedSince !== undefined && object.lastModified > unmodifiedSince) throw s3Errors.preconditionFailed('If-Unmodified-Since');
  }
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== undefined) return matches(ifNoneMatch, object) ? 'not-modified' : 'proceed';
  const modifiedSince = dateOf(req, 'if-modified-since');
  if (modifiedSince !== undefined && object.lastModified <= modifiedSince) return 'not-modified';
  return 'proceed';
}

/**
 * PutObject: If-Match needs the object to exist (404 NoSuchKey otherwise) with that ETag (412 otherwise);
 * If-None-Match takes only `*` and needs the key to be free (412 otherwise).
 *
 * S3 also answers 409 ConditionalRequestConflict when another write to the key lands while a conditional
 * upload is in flight. The emulator stores a write at once, after its whole body has arrived, so of two
 * racing writers one wins and the other sees the new state and gets 412: it never answers 409.
 */
export function checkWrite(req: RawRequest, key: string, existing: StoredObject | undefined): void {
  const ifMatch = header(req, 'if-match');
  if (ifMatch !== undefined) {
    if (!existing) throw s3Errors.noSuchKey(key);
    if (!matches(ifMatch, existing)) throw s3Errors.preconditionFailed('If-Match');
  }
  const ifNoneMatch = header(req, 'if-none-match');
  if (ifNoneMatch !== undefined) {
    // Only `*` is a conditional write; an ETag here is not something S3 implements for writes.
    if (ifNoneMatch.trim() !== '*') throw s3Errors.notImplemented('If-None-Match');
    if (existing) throw s3Errors.preconditionFailed('If-None-Match');
  }
}

/** DeleteObject's If-Match: the object must exist (404 NoSuchKey) with that ETag (412). */
export function checkDelete(ifMatch: string | undefined, key: string, existing: StoredObject | undefined): void {
  if (ifMatch === undefined) return;
  if (!existing) throw s3Errors.noSuchKey(key);
  if (!matches(ifMatch, existing)) throw s3Errors.preconditionFailed('If-Match');
}
