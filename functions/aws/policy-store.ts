/**
 * The control plane's side of the policy store (squid-config/policy/store.ts has the S3 calls and the layout):
 * account shards read and written under their ETag, the compiled mapping, and the policy bundle, which the control
 * plane reads only to warn about unknown policy names (cached, revalidated with a conditional GET at most once a
 * minute per function instance).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import {
  accountShardSchema,
  endpointMappingSchema,
  MalformedPolicyDocumentError,
  parsePolicyDocument,
  policyBundleSchema,
  type AccountShard,
  type EndpointMapping,
  type PolicyBundle,
} from '../../squid-config/policy/documents';
import {
  BUNDLE_KEY,
  deleteObject,
  listObjects,
  MAPPING_KEY,
  readObject,
  SHARD_PREFIX,
  shardKey,
  writeObject,
  type ObjectWrite,
} from '../../squid-config/policy/store';

export interface Versioned<T> {
  /** Undefined when the object does not exist. */
  readonly value: T | undefined;
  /** The ETag read with it; a write conditional on it fails if anyone wrote since. */
  readonly etag: string | undefined;
}

const BUNDLE_REVALIDATE_MS = 60_000;
const SHARD_KEY = /^mapping\/accounts\/(\d{12})\.json$/;

export class PolicyStore {
  private bundle: { value: PolicyBundle | undefined; etag: string | undefined; checkedAt: number } | undefined;

  constructor(
    readonly s3: S3Client,
    readonly bucket: string,
    private readonly now: () => number = Date.now,
  ) {}

  async readShard(accountId: string): Promise<Versioned<AccountShard>> {
    const read = await readObject(this.s3, this.bucket, shardKey(accountId));
    if (read.kind !== 'found') return { value: undefined, etag: undefined };
    return { value: parsePolicyDocument(accountShardSchema, read.text, `s3://${this.bucket}/${shardKey(accountId)}`), etag: read.etag };
  }

  /** Conditional on `etag` (or on the shard not existing yet): `conflict` means read again and recompute. */
  writeShard(shard: AccountShard, etag: string | undefined): Promise<ObjectWrite> {
    return writeObject(this.s3, this.bucket, shardKey(shard.accountId), `${JSON.stringify(shard)}\n`, etag === undefined ? { ifAbsent: true } : { ifMatch: etag });
  }

  /** Conditional on `etag` when given: `conflict` means someone wrote the shard since it was read. */
  deleteShard(accountId: string, etag?: string): Promise<{ readonly kind: 'deleted' } | { readonly kind: 'conflict' }> {
    return deleteObject(this.s3, this.bucket, shardKey(accountId), etag);
  }

  /** Every account with a shard, with the shard's ETag. */
  async listShards(): Promise<{ accountId: string; etag: string }[]> {
    const objects = await listObjects(this.s3, this.bucket, SHARD_PREFIX);
    return objects.flatMap(({ key, etag }) => {
      const accountId = SHARD_KEY.exec(key)?.[1];
      return accountId === undefined ? [] : [{ accountId, etag }];
    });
  }

  /** The compiled mapping; a malformed one comes back without a value but with its ETag, so it can be replaced. */
  async readMapping(): Promise<Versioned<EndpointMapping> & { readonly problem?: string }> {
    const read = await readObject(this.s3, this.bucket, MAPPING_KEY);
    if (read.kind !== 'found') return { value: undefined, etag: undefined };
    try {
      return { value: parsePolicyDocument(endpointMappingSchema, read.text, `s3://${this.bucket}/${MAPPING_KEY}`), etag: read.etag };
    } catch (error) {
      if (!(error instanceof MalformedPolicyDocumentError)) throw error;
      return { value: undefined, etag: read.etag, problem: error.message };
    }
  }

  writeMapping(mapping: EndpointMapping, etag: string | undefined): Promise<ObjectWrite> {
    return writeObject(this.s3, this.bucket, MAPPING_KEY, `${JSON.stringify(mapping)}\n`, etag === undefined ? { ifAbsent: true } : { ifMatch: etag });
  }

  /** The published policy bundle, or undefined when the pipeline has not published one yet. */
  async readBundle(): Promise<PolicyBundle | undefined> {
    const cached = this.bundle;
    if (cached !== undefined && this.now() - cached.checkedAt < BUNDLE_REVALIDATE_MS) return cached.value;
    const read = await readObject(this.s3, this.bucket, BUNDLE_KEY, cached?.etag);
    if (read.kind === 'unchanged' && cached !== undefined) {
      this.bundle = { ...cached, checkedAt: this.now() };
      return cached.value;
    }
    const value = read.kind === 'found' ? parsePolicyDocument(policyBundleSchema, read.text, `s3://${this.bucket}/${BUNDLE_KEY}`) : undefined;
    this.bundle = { value, etag: read.kind === 'found' ? read.etag : undefined, checkedAt: this.now() };
    return value;
  }
}
