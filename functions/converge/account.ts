import type { Tags } from '../core/managed-tags';
import type { ScopeDecision } from '../core/scope';
import type { EndpointCreatedDetail } from '../aws/hub-bus';
import { vpcSnapshotOf } from '../core/account-snapshot';
import { vpcPlanActions } from '../core/plan-actions';
import { readAccountSnapshot } from '../aws/spoke-account';
import type { Runtime } from '../shared/runtime';
import { step, type ReconcileOptions, type ReconcilePlan } from './reconcile-plan';
import { convergeVpcSnapshot } from './vpc';
import { syncEndpointMapping } from './endpoint-mapping';

/** An endpoint left awaiting acceptance, with its VPC's tags as the account step read them. */
export interface AwaitingEndpoint extends EndpointCreatedDetail {
  readonly vpcTags: Tags;
}

/**
 * One account's VPCs (every VPC in the hub region, tagged or not), read with a few account-wide describes and then
 * converged one after another: CreateVpcEndpoint has a small per-account token bucket. The unit of work of the
 * fan-out.
 *
 * The snapshot is read once, before the first VPC: a concurrent VPC onboarding run may change a VPC in between, and
 * the writes stay safe against that as they were against a per-VPC read (the endpoint's ClientToken, the security
 * group named after its VPC, duplicate rules tolerated); the next run, or the onboarding run itself, converges what
 * either one missed.
 */
export async function reconcileAccount(
  runtime: Runtime,
  plan: ReconcilePlan,
  accountId: string,
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  options: ReconcileOptions & {
    /** The plan adds this account's principal first (a dry run then plans its endpoints instead of blocking). */
    readonly principalPlanned?: boolean;
    /**
     * Told the endpoints the account's VPC steps leave awaiting acceptance, once its VPCs are converged and before
     * its mapping shard is written: the service's Connect notifications are already on their way to acceptance, and a
     * hand-off that reaches it first spares the owner's Organizations reads (handlers/connection-acceptance.ts).
     */
    readonly onAwaitingAcceptance?: (endpoints: readonly AwaitingEndpoint[]) => void | Promise<void>;
  },
): Promise<void> {
  const ec2 = await runtime.spokes.ec2(accountId, runtime.region, options.correlationId);
  const accountScope = await scopeOf(accountId);
  const { hubServiceName: serviceName, proxyPort, proxyTag } = runtime.config;
  const snapshot = await readAccountSnapshot(ec2, accountId, { serviceName, proxyPort, proxyTag });
  const awaitingAcceptance: AwaitingEndpoint[] = [];
  for (const { vpcId } of snapshot.vpcs) {
    await step(plan, { accountId, vpcId }, async () => {
      const vpc = vpcSnapshotOf(snapshot, vpcId);
      const outcome = await convergeVpcSnapshot(
        runtime,
        ec2,
        { accountId, region: runtime.region, vpcId, correlationId: options.correlationId },
        vpc,
        accountScope,
        { dryRun: options.dryRun, principalPlanned: options.principalPlanned === true },
      );
      if (outcome.plan !== undefined) plan.actions.push(...vpcPlanActions(accountId, vpcId, outcome.plan));
      const vpcTags = vpc.vpc?.tags ?? {};
      if (outcome.awaitingAcceptance !== undefined) awaitingAcceptance.push({ ...outcome.awaitingAcceptance, vpcTags });
    });
  }
  // Reported once the account's VPCs are done, so a batch usually reads each owner's VPC tags once, not per VPC.
  const { onAwaitingAcceptance } = options;
  if (onAwaitingAcceptance !== undefined && awaitingAcceptance.length > 0) {
    await step(plan, { accountId }, async () => onAwaitingAcceptance(awaitingAcceptance));
  }
  // Once every VPC's endpoint is where it should be, the account's shard of the mapping follows (its own reads).
  await step(plan, { accountId }, async () => {
    const mappingActions = await syncEndpointMapping(runtime, () => Promise.resolve(ec2), {
      accountId,
      scope: accountScope,
      correlationId: options.correlationId,
      dryRun: options.dryRun,
    });
    plan.actions.push(...mappingActions);
  });
}
