import type { ScopeDecision } from '../core/scope';
import { vpcPlanActions } from '../core/plan-actions';
import { listVpcIds, sharedServiceReader } from '../aws/spoke-vpc';
import type { Runtime } from '../shared/runtime';
import { step, type ReconcileOptions, type ReconcilePlan } from './reconcile-plan';
import { convergeVpc } from './vpc';

/**
 * One account's VPCs (every VPC in the hub region, tagged or not), converged one after another: CreateVpcEndpoint
 * has a small per-account token bucket. The unit of work of the fan-out.
 */
export async function reconcileAccount(
  runtime: Runtime,
  plan: ReconcilePlan,
  accountId: string,
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  options: ReconcileOptions & {
    /** The plan adds this account's principal first (a dry run then plans its endpoints instead of blocking). */
    readonly principalPlanned?: boolean;
    /** Told each endpoint id the account's VPC steps leave awaiting acceptance, once its VPCs are converged. */
    readonly onAwaitingAcceptance?: (endpointId: string) => void;
  },
): Promise<void> {
  const ec2 = await runtime.spokes.ec2(accountId, runtime.region, options.correlationId);
  const awaitingAcceptance: string[] = [];
  const readService = sharedServiceReader(ec2, runtime.config.hubServiceName);
  for (const vpcId of await listVpcIds(ec2)) {
    await step(plan, { accountId, vpcId }, async () => {
      const outcome = await convergeVpc(
        runtime,
        { accountId, region: runtime.region, vpcId, correlationId: options.correlationId },
        scopeOf,
        { dryRun: options.dryRun, ec2, principalPlanned: options.principalPlanned === true, readService },
      );
      if (outcome.plan !== undefined) plan.actions.push(...vpcPlanActions(accountId, vpcId, outcome.plan));
      if (outcome.awaitingAcceptance !== undefined) awaitingAcceptance.push(outcome.awaitingAcceptance.vpcEndpointId);
    });
  }
  // Reported once the account's VPCs are done, so a batch usually reads each owner's VPC tags once, not per VPC.
  for (const endpointId of awaitingAcceptance) options.onAwaitingAcceptance?.(endpointId);
}
