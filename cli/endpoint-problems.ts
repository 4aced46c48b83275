import type { EC2Client } from '@aws-sdk/client-ec2';
import { readAccountSnapshot } from '../functions/aws/spoke-account';
import { vpcSnapshotOf } from '../functions/core/account-snapshot';
import type { ScopeDecision } from '../functions/core/scope';
import { planVpc } from '../functions/core/vpc-plan';
import type { ControlPlaneConfig } from '../functions/shared/config';

export interface MissingEndpoint {
  /** No reconcile can create the endpoint until someone changes the VPC or the service. */
  readonly blocked: boolean;
  readonly reason: string;
}

/**
 * Why each of these tagged VPCs has no endpoint, in the reconciler's own words: its plan for the VPC, from the same
 * account-wide read. `blocked` is what no reconcile can fix (no subnet in an AZ the service supports, the service
 * not visible to the account); otherwise the endpoint is simply not made yet and a reconcile would make it.
 */
export async function missingEndpointReasons(
  ec2: EC2Client,
  accountId: string,
  scope: ScopeDecision,
  config: ControlPlaneConfig,
  vpcIds: readonly string[],
): Promise<Map<string, MissingEndpoint>> {
  const settings = { serviceName: config.hubServiceName, proxyPort: config.proxyPort, proxyTag: config.proxyTag };
  const account = await readAccountSnapshot(ec2, accountId, settings);
  return new Map(
    vpcIds.map((vpcId): [string, MissingEndpoint] => {
      const plan = planVpc(vpcSnapshotOf(account, vpcId), scope, settings);
      if (plan.kind === 'blocked') return [vpcId, { blocked: true, reason: `no endpoint possible: ${plan.reason}` }];
      return [vpcId, { blocked: false, reason: 'no endpoint yet: a reconcile would create it (npx egress plan shows it)' }];
    }),
  );
}
