/** Buckets and objects, independent of the wire protocol. Bucket names are global, as in S3. */
import type { ChecksumAlgorithm } from './checksums';

export interface StoredObject {
  readonly key: string;
  readonly body: Buffer;
  /** Quoted hex MD5 of the body, as S3 gives single-part uploads. */
  readonly etag: string;
  /** Epoch ms, whole seconds: S3 keeps Last-Modified to the second (listings print `.000Z`). */
  readonly lastModified: number;
  readonly contentType: string;
  readonly storageClass: string;
  /** The checksum the writer sent (and S3 verified), returned when a reader asks with x-amz-checksum-mode. */
  readonly checksum?: { readonly algorithm: ChecksumAlgorithm; readonly value: string };
  /** x-amz-meta-* by lower-cased name without the prefix. */
  readonly metadata: Readonly<Record<string, string>>;
  /** Representation headers stored as sent and returned on GET/HEAD (Cache-Control, Content-Encoding...). */
  readonly headers: Readonly<Record<string, string>>;
}

export interface Bucket {
  readonly name: string;
  readonly ownerAccountId: string;
  readonly region: string;
  readonly createdAt: number;
  readonly objects: Map<string, StoredObject>;
}

/**
 * Orders keys as S3 lists them: by their UTF-8 bytes, which is code point order. JavaScript's `<` compares
 * UTF-16 units, which differs for a surrogate (a code point above U+FFFF) against U+E000..U+FFFF.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xSurrogate = x >= 0xd800 && x <= 0xdfff;
    const ySurrogate = y >= 0xd800 && y <= 0xdfff;
    if (xSurrogate !== ySurrogate) return xSurrogate ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

export class S3Store {
  readonly buckets = new Map<string, Bucket>();
  /** Each bucket's keys in listing order, rebuilt only after a key is added or removed (not on overwrite). */
  private readonly sorted = new WeakMap<Bucket, string[]>();

  createBucket(name: string, ownerAccountId: string, region: string, now: number): Bucket {
    const bucket: Bucket = { name, ownerAccountId, region, createdAt: now, objects: new Map() };
    this.buckets.set(name, bucket);
    return bucket;
  }

  put(bucket: Bucket, object: StoredObject): void {
    if (!bucket.objects.has(object.key)) this.sorted.delete(bucket);
    bucket.objects.set(object.key, object);
  }

  /** True when there was an object to delete. */
  delete(bucket: Bucket, key: string): boolean {
    const deleted = bucket.objects.delete(key);
    if (deleted) this.sorted.delete(bucket);
    return deleted;
  }

  keysInOrder(bucket: Bucket): readonly string[] {
    let keys = this.sorted.get(bucket);
    if (!keys) {
      keys = [...bucket.objects.keys()].sort(compareKeys);
      this.sorted.set(bucket, keys);
    }
    return keys;
  }
}
