import { S3Client } from '@aws-sdk/client-s3';
import { endpointMappingSchema, parsePolicyDocument, policyBundleSchema } from '../squid-config/policy/documents';
import { BUNDLE_KEY, MAPPING_KEY, readObject } from '../squid-config/policy/store';
import { instrumentClient } from './aws-calls';
import { EXIT } from './errors';
import { emit, type CliIo } from './io';
import { CliConfigurationError } from './configuration-error';
import { resolveConnection, type Connection } from './connection';
import { answerWhy, formatWhy, parseHostPort, WhyUsageError } from './why';

export interface PolicyStoreSettings extends Connection {
  readonly bucket: string;
}

/**
 * `egress why` needs only the policy store: the fleet decides from its two documents alone, so the answer needs no
 * Organizations or spoke access. Exit 0 when allowed, 1 when denied (so scripts can test it), 2 on bad usage.
 */
export async function runWhy(settings: PolicyStoreSettings, io: CliIo, target: string, hostPort: string): Promise<number> {
  if (!/^(vpc|vpce)-[0-9a-f]{8,17}$/.test(target)) throw new CliConfigurationError(`"${target}" is neither a VPC id (vpc-...) nor a VPC endpoint id (vpce-...)`);
  let destination: ReturnType<typeof parseHostPort>;
  try {
    destination = parseHostPort(hostPort);
  } catch (error) {
    if (error instanceof WhyUsageError) throw new CliConfigurationError(error.message);
    throw error;
  }
  const s3 = new S3Client({ region: settings.region, ...(settings.endpointUrl === undefined ? {} : { endpoint: settings.endpointUrl, forcePathStyle: true }) });
  instrumentClient(s3);
  try {
    const [bundleRead, mappingRead] = await Promise.all([readObject(s3, settings.bucket, BUNDLE_KEY), readObject(s3, settings.bucket, MAPPING_KEY)]);
    const where = (key: string) => `s3://${settings.bucket}/${key}`;
    const bundle = bundleRead.kind === 'found' ? parsePolicyDocument(policyBundleSchema, bundleRead.text, where(BUNDLE_KEY)) : undefined;
    const mapping = mappingRead.kind === 'found' ? parsePolicyDocument(endpointMappingSchema, mappingRead.text, where(MAPPING_KEY)) : undefined;
    const answer = answerWhy({ target, ...destination }, bundle, mapping);
    emit(io, answer, () => formatWhy(answer));
    return answer.allowed ? EXIT.ok : EXIT.failed;
  } finally {
    s3.destroy();
  }
}

export function resolvePolicyStoreSettings(
  flags: { region?: string; endpointUrl?: string; roleArn?: string; policyBucket?: string },
  env: Record<string, string | undefined>,
): PolicyStoreSettings {
  const connection = resolveConnection(flags, env);
  const bucket = flags.policyBucket ?? env.POLICY_BUCKET;
  if (bucket === undefined || bucket === '') throw new CliConfigurationError('no policy store: set --policy-bucket or POLICY_BUCKET (the bucket the fleet reads)');
  return { ...connection, bucket };
}
