/**
 * The local cloud's S3: buckets and small objects over S3's REST-XML protocol, with the conditional reads
 * (ETag, dates) and conditional writes (If-None-Match `*`, If-Match) the control plane's policy store relies on.
 * Path-style and virtual-hosted addressing; bodies kept as exact bytes; flexible checksums verified.
 */
import type { CallContext, RawRequest, RawResponse, ServiceModule } from '../framework';
import type { LocalWorld } from '../core/world';
import { parseAddress } from './address';
import type { S3Address } from './address';
import { accessibleBucket } from './access';
import { createBucket, deleteBucket, headBucket, listBuckets } from './buckets';
import { s3ErrorResponse, s3Errors } from './errors';
import { listObjectsV2 } from './listing';
import { S3Store } from './model';
import { deleteObject, deleteObjects, getObject, putObject } from './objects';
import { KNOWN_METHODS, routeOf } from './routes';
import type { S3Action } from './routes';
import { isoTime } from './respond';

/**
 * S3's documented request rates: at least 3,500 PUT/COPY/POST/DELETE and 5,500 GET/HEAD requests per second
 * per partitioned prefix. A bucket holds one second's worth, so a burst beyond it is answered 503 SlowDown.
 */
export const S3_THROTTLE_BUCKETS = {
  read: { capacity: 5500, refillPerSecond: 5500 },
  write: { capacity: 3500, refillPerSecond: 3500 },
} as const satisfies Record<string, { capacity: number; refillPerSecond: number }>;

const CLASS_BY_ACTION: Partial<Record<S3Action, keyof typeof S3_THROTTLE_BUCKETS>> = {
  GetObject: 'read',
  HeadObject: 'read',
  ListObjectsV2: 'read',
  HeadBucket: 'read',
  PutObject: 'write',
  DeleteObject: 'write',
  DeleteObjects: 'write',
  // CreateBucket, DeleteBucket and ListBuckets are bucket management, which S3 does not rate per prefix.
};

/** The partition a request counts against: S3 scales by key prefix; here a prefix is a key up to its last `/`. */
const partitionOf = (key: string) => key.slice(0, key.lastIndexOf('/') + 1);

export interface S3Options {
  /** Host names under which `bucket.<name>` addresses a bucket (virtual-hosted style). */
  virtualHostSuffixes: readonly string[];
}

export type S3ServiceModule = ServiceModule & { readonly store: S3Store; readonly throttleBuckets: typeof S3_THROTTLE_BUCKETS };

export function createS3Service(world: LocalWorld, options: S3Options): S3ServiceModule {
  const store = new S3Store();
  // actionOf, throttleScope and handle see the same request: resolve its address and route once.
  const parsed = new WeakMap<RawRequest, { address: S3Address; action: S3Action | undefined }>();
  const parse = (req: RawRequest) => {
    let entry = parsed.get(req);
    if (!entry) {
      const address = parseAddress(req, options.virtualHostSuffixes);
      entry = { address, action: routeOf(req, address) };
      parsed.set(req, entry);
    }
    return entry;
  };

  function handle(req: RawRequest, ctx: CallContext): RawResponse {
    const { address, action } = parse(req);
    const now = world.clock.now();
    const bucket = () => accessibleBucket(store, address.bucket, req, ctx);
    switch (action) {
      case 'ListBuckets':
        return listBuckets(store, req, ctx);
      case 'CreateBucket':
        return createBucket(store, address.bucket, req, ctx, now);
      case 'HeadBucket':
        return headBucket(store, address.bucket, req, ctx);
      case 'DeleteBucket':
        return deleteBucket(store, address.bucket, req, ctx);
      case 'ListObjectsV2':
        return listObjectsV2(store, bucket(), req, ctx);
      case 'DeleteObjects':
        return deleteObjects(store, bucket(), req, ctx);
      case 'PutObject':
        return putObject(store, bucket(), address.key, req, ctx, now);
      case 'GetObject':
      case 'HeadObject':
        return getObject(bucket(), address.key, req, ctx);
      case 'DeleteObject':
        return deleteObject(store, bucket(), address.key, req, ctx);
      case undefined:
        if (!KNOWN_METHODS.has(req.method)) {
          throw s3Errors.methodNotAllowed(req.method, address.bucket === '' ? 'SERVICE' : address.key === '' ? 'BUCKET' : 'OBJECT');
        }
        throw s3Errors.notImplemented();
    }
  }

  return {
    signingName: 's3',
    store,
    throttleBuckets: S3_THROTTLE_BUCKETS,
    actionOf: (req) => parse(req).action ?? '',
    throttleClass: (action) => CLASS_BY_ACTION[action as S3Action],
    throttleScope(req) {
      const { address, action } = parse(req);
      const key = action === 'ListObjectsV2' ? (req.query.get('prefix') ?? '') : address.key;
      return `${address.bucket}/${partitionOf(key)}`;
    },
    handle,
    errorResponse: s3ErrorResponse,
    snapshot: () => ({
      buckets: [...store.buckets.values()]
        .sort((a, b) => (a.name < b.name ? -1 : 1))
        .map((b) => ({
          name: b.name,
          ownerAccountId: b.ownerAccountId,
          region: b.region,
          creationDate: isoTime(b.createdAt),
          objects: store.keysInOrder(b).map((key) => {
            const o = b.objects.get(key);
            return { key, size: o?.body.length, etag: o?.etag, contentType: o?.contentType, lastModified: o && isoTime(o.lastModified) };
          }),
        })),
    }),
  };
}
