import { nearestName } from './nearest-name';

/**
 * The AWS regions of the partitions this project deploys to (aws, aws-cn, aws-us-gov), pinned so that a typo such
 * as `eu-west-9` fails at synth time, in the CLI and in the local cloud instead of at deploy time or as a DNS error.
 *
 * Source: the `regions` of each partition in the AWS SDK's endpoint rules, `partitions.js` of @aws-sdk/core 3.981.2
 * (dist-es/submodules/client/util-endpoints/lib/aws/partitions.js), without the `*-global` pseudo-regions.
 * test/infra/aws-regions.test.ts fails when the installed SDK knows a region this list lacks: add it here.
 */
export const AWS_REGIONS: readonly string[] = [
  // aws
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1',
  'ap-south-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7', 'ca-central-1', 'ca-west-1', 'eu-central-1', 'eu-central-2', 'eu-north-1',
  'eu-south-1', 'eu-south-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'il-central-1', 'me-central-1', 'me-south-1',
  'me-west-1', 'mx-central-1', 'sa-east-1', 'sa-west-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  // aws-cn
  'cn-north-1', 'cn-northwest-1',
  // aws-us-gov
  'us-gov-east-1', 'us-gov-west-1',
];

const KNOWN = new Set(AWS_REGIONS);

export function isAwsRegion(name: string): boolean {
  return KNOWN.has(name);
}

/** The known region nearest in spelling to `name` (a typo's likely intent), if one is close enough to suggest. */
export function nearestRegion(name: string): string | undefined {
  return nearestName(name, AWS_REGIONS);
}
