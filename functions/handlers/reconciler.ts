import { parseReconcilerInput } from '../../events/schemas/reconciler';
import { reconcileOrganization, type ReconcilePlan } from '../converge/organization';
import { logger } from '../shared/logger';
import { withLambdaContext } from '../shared/middleware';
import type { Runtime } from '../shared/runtime';

/** Thrown after a run that applied what it could but failed somewhere: the invocation fails so alarms fire. */
export class ReconcileFailedError extends Error {
  override readonly name = 'ReconcileFailedError';
  constructor(readonly plan: ReconcilePlan) {
    super(`reconcile ${plan.correlationId} finished with ${plan.errors.length} error(s): ${plan.errors.map((e) => `${e.scope.accountId}${e.scope.vpcId ? `/${e.scope.vpcId}` : ''}: ${e.error}`).slice(0, 5).join('; ')}`);
  }
}

/** The schedule (apply) or a manual `{ "dryRun": true, "accountIds": [...] }`: returns the plan. */
export function reconcilerHandler(runtime: Runtime) {
  return withLambdaContext(async (event: unknown, context): Promise<ReconcilePlan> => {
    const scope = parseReconcilerInput(event, context.awsRequestId);
    logger.appendKeys({ correlationId: scope.eventId });
    const plan = await reconcileOrganization(runtime, {
      dryRun: scope.dryRun,
      correlationId: scope.eventId,
      ...(scope.accountIds === undefined ? {} : { accountIds: scope.accountIds }),
    });
    logger.info('reconcile plan', { trigger: scope.trigger, dryRun: plan.dryRun, accounts: plan.accounts, actions: plan.actions.length, errors: plan.errors.length });
    if (plan.errors.length > 0) throw new ReconcileFailedError(plan);
    return plan;
  });
}
