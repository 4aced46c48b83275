import { Aws, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { BUNDLE_KEY, MAPPING_KEY, SHARD_PREFIX } from '../../squid-config/policy/store';

/**
 * The per-spoke egress policy store (squid-config/policy/store.ts has the layout; infra/README.md says why S3): the
 * pipeline writes the policy bundle, the control plane writes one shard per account and compiles the mapping, and
 * every Squid task polls the bundle and the mapping with conditional GETs. Versioned, so a bad write can be rolled
 * back by restoring the previous version. Its name is derived from the deployment (config.ts), so the other stacks
 * scope their grants to it by name (`policyStoreStatements`) without a cross-stack reference.
 */
export class PolicyStore extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: { readonly bucketName: string }) {
    super(scope, id);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      bucketName: props.bucketName,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      // Shards and the mapping are rewritten often; old versions are for rolling back a mistake, not for keeping.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(30), noncurrentVersionsToRetain: 20 }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason: 'Written only by the pipeline and control-plane roles, each change of which is an audit record in CloudWatch Logs; versioning keeps the history',
    });
  }
}

/**
 * Who may do what in the store; each principal touches only its own keys.
 * - `fleet`: the two documents a Squid task applies;
 * - `shards`: the converging functions' account shards, and the bundle (to warn about unknown policy names);
 * - `publish`: the mapping publisher, which reads every shard and writes the compiled mapping;
 * - `bundle`: the pipeline, which publishes the bundle built from git.
 */
export type PolicyStoreAccess = 'fleet' | 'shards' | 'publish' | 'bundle';

export function policyStoreStatements(bucketName: string, access: PolicyStoreAccess): iam.PolicyStatement[] {
  const object = (key: string) => `arn:${Aws.PARTITION}:s3:::${bucketName}/${key}`;
  // Unconditioned on the prefix: S3 answers a GET of a missing key with 404 only to a principal allowed to list the
  // bucket, and with 403 to anyone else, which would read as "store unreachable" (a shard or the mapping is missing
  // until its first write). The keys reveal only which accounts have endpoints.
  const list = new iam.PolicyStatement({ sid: 'ListPolicyStore', actions: ['s3:ListBucket'], resources: [`arn:${Aws.PARTITION}:s3:::${bucketName}`] });
  switch (access) {
    case 'fleet':
      return [new iam.PolicyStatement({ sid: 'ReadEgressPolicy', actions: ['s3:GetObject'], resources: [object(BUNDLE_KEY), object(MAPPING_KEY)] }), list];
    case 'shards':
      return [
        new iam.PolicyStatement({ sid: 'WriteMappingShards', actions: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], resources: [object(`${SHARD_PREFIX}*`)] }),
        new iam.PolicyStatement({ sid: 'ReadPolicyBundle', actions: ['s3:GetObject'], resources: [object(BUNDLE_KEY)] }),
        list,
      ];
    case 'publish':
      return [
        new iam.PolicyStatement({ sid: 'ReadMappingShards', actions: ['s3:GetObject'], resources: [object(`${SHARD_PREFIX}*`)] }),
        new iam.PolicyStatement({ sid: 'WriteEndpointMapping', actions: ['s3:GetObject', 's3:PutObject'], resources: [object(MAPPING_KEY)] }),
        list,
      ];
    case 'bundle':
      return [new iam.PolicyStatement({ sid: 'PublishPolicyBundle', actions: ['s3:GetObject', 's3:PutObject'], resources: [object(BUNDLE_KEY)] }), list];
  }
}

/** The cdk-nag finding of the shard grants' wildcard, with its reason (the keys are one per account). */
export function shardWildcardFinding(bucketName: string): string {
  return `Resource::arn:<AWS::Partition>:s3:::${bucketName}/${SHARD_PREFIX}*`;
}
