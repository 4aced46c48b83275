/**
 * The demo's per-spoke policy step: two teams with different policies ask for the same hosts. Answered with the
 * fleet's own decision code over the documents the control plane published to the policy store (exactly what each
 * Squid task loads), and through a real Squid when one can run here (squid-step.ts).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { CompiledPolicy } from '../../squid-config/policy/decide';
import { endpointMappingSchema, parsePolicyDocument, policyBundleSchema, type EndpointMapping, type PolicyBundle } from '../../squid-config/policy/documents';
import { BUNDLE_KEY, MAPPING_KEY, readObject } from '../../squid-config/policy/store';
import type { LocalControlPlane } from '../runner/control-plane';

export interface TeamEndpoint {
  readonly team: string;
  readonly endpointId: string;
}

export interface PublishedPolicy {
  readonly bundle: PolicyBundle | undefined;
  readonly mapping: EndpointMapping | undefined;
}

export async function readPublishedPolicy(cp: LocalControlPlane): Promise<PublishedPolicy> {
  const s3 = new S3Client({
    endpoint: cp.cloud.url,
    region: cp.region,
    forcePathStyle: true,
    credentials: { accessKeyId: cp.cloud.world.hubAccountId, secretAccessKey: 'local' },
  });
  try {
    const bucket = cp.hub.policyBucket;
    const [bundle, mapping] = await Promise.all([readObject(s3, bucket, BUNDLE_KEY), readObject(s3, bucket, MAPPING_KEY)]);
    return {
      bundle: bundle.kind === 'found' ? parsePolicyDocument(policyBundleSchema, bundle.text, BUNDLE_KEY) : undefined,
      mapping: mapping.kind === 'found' ? parsePolicyDocument(endpointMappingSchema, mapping.text, MAPPING_KEY) : undefined,
    };
  } finally {
    s3.destroy();
  }
}

/** One line per team and host: the fleet's decision for that team's endpoint. */
export function decideForTeams(published: PublishedPolicy, teams: readonly TeamEndpoint[], hosts: readonly string[]) {
  const policy = new CompiledPolicy({ ...published, fallbackBaseline: [] });
  return teams.flatMap((team) =>
    hosts.map((host) => ({ team: team.team, endpointId: team.endpointId, host, decision: policy.decide(team.endpointId, host) })),
  );
}
