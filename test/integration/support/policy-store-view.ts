/**
 * The policy store as the fleet and the CLI see it: the hub account's S3 client reading the published bundle, the
 * compiled endpoint mapping and the account shards, through the real SDK.
 */
import { S3Client } from '@aws-sdk/client-s3';
import {
  accountShardSchema,
  endpointMappingSchema,
  parsePolicyDocument,
  policyBundleSchema,
  type AccountShard,
  type EndpointMapping,
  type PolicyBundle,
} from '../../../squid-config/policy/documents';
import { BUNDLE_KEY, MAPPING_KEY, readObject, shardKey, writeObject } from '../../../squid-config/policy/store';
import type { ControlPlaneFixture } from './control-plane-fixture';

export class PolicyStoreView {
  readonly s3: S3Client;
  readonly bucket: string;

  constructor(fx: ControlPlaneFixture) {
    this.bucket = fx.cp.hub.policyBucket;
    this.s3 = new S3Client({
      endpoint: fx.cp.cloud.url,
      region: fx.cp.region,
      forcePathStyle: true,
      credentials: { accessKeyId: fx.cp.cloud.world.hubAccountId, secretAccessKey: 'local' },
    });
  }

  async mapping(): Promise<EndpointMapping | undefined> {
    const read = await readObject(this.s3, this.bucket, MAPPING_KEY);
    return read.kind === 'found' ? parsePolicyDocument(endpointMappingSchema, read.text, MAPPING_KEY) : undefined;
  }

  async bundle(): Promise<PolicyBundle> {
    const read = await readObject(this.s3, this.bucket, BUNDLE_KEY);
    if (read.kind !== 'found') throw new Error('no policy bundle was published');
    return parsePolicyDocument(policyBundleSchema, read.text, BUNDLE_KEY);
  }

  async shard(accountId: string): Promise<AccountShard | undefined> {
    const read = await readObject(this.s3, this.bucket, shardKey(accountId));
    return read.kind === 'found' ? parsePolicyDocument(accountShardSchema, read.text, shardKey(accountId)) : undefined;
  }

  /** Writes raw text over an object, as someone with access to the bucket could. */
  async overwrite(key: string, text: string): Promise<void> {
    await writeObject(this.s3, this.bucket, key, text, 'unconditional');
  }

  destroy(): void {
    this.s3.destroy();
  }
}
