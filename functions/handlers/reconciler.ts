import { parseReconcilerInput } from '../../events/schemas/reconciler';
import { fanOutReconcile, FanOutFailedError, type FanOutSummary } from '../converge/fan-out';
import { reconcileOrganization, type ReconcilePlan } from '../converge/organization';
import { MalformedEventError } from '../../events/schemas/errors';
import { logger } from '../shared/logger';
import { withEventSenders } from '../shared/event-senders';
import { ownAccountId } from '../shared/own-account';
import { withLambdaContext } from '../shared/middleware';
import type { Runtime } from '../shared/runtime';

/** Thrown after a run that applied what it could but failed somewhere: the invocation fails so alarms fire. */
export class ReconcileFailedError extends Error {
  override readonly name = 'ReconcileFailedError';
  constructor(readonly plan: ReconcilePlan) {
    super(`reconcile ${plan.correlationId} finished with ${plan.errors.length} error(s): ${plan.errors.map((e) => `${e.scope.accountId}${e.scope.vpcId ? `/${e.scope.vpcId}` : ''}: ${e.error}`).slice(0, 5).join('; ')}`);
  }
}

export interface ReconcilerHandlerOptions {
  /** A fan-out invocation with less time left than this continues in a new invocation. @default the configured margin */
  readonly continuationMarginMs?: number;
  /** In-scope accounts a fan-out publishes at a time while it walks the organization. @default STREAMED_ACCOUNTS_PER_BATCH */
  readonly streamBatchSize?: number;
}

/**
 * Three ways in. The schedule, a continuation of a run, or a manual `{ "fanOut": true }`: a whole-organization apply
 * fanned out per account through the hub bus, returning a small summary. A manual `{ "dryRun": true }` or a run
 * restricted to `accountIds` (or a manual apply without fanOut): converged inline, returning the whole plan.
 */
export function reconcilerHandler(runtime: Runtime, options: ReconcilerHandlerOptions = {}) {
  const marginMs = options.continuationMarginMs ?? runtime.config.continuationMarginSeconds * 1000;
  return withLambdaContext(async (event: unknown, context): Promise<ReconcilePlan | FanOutSummary> => {
    const scope = parseReconcilerInput(event, context.awsRequestId);
    if (scope.fanOut) {
      // A continuation publishes work for the whole organization: only this control plane may ask for one.
      if (scope.continuation !== undefined && scope.continuation.senderAccountId !== ownAccountId(context)) {
        throw new MalformedEventError(
          'Reconcile Continuation Requested event',
          `sent by account ${scope.continuation.senderAccountId}, not by the control plane's account ${ownAccountId(context)}`,
        );
      }
      const runId = scope.continuation?.runId ?? scope.eventId;
      logger.appendKeys({ correlationId: runId });
      const summary = await withEventSenders([[runId, scope.senderAccountId]], () =>
        fanOutReconcile(runtime, {
          runId,
          ...(scope.continuation === undefined ? {} : { afterAccountId: scope.continuation.afterAccountId, retries: scope.continuation.retries ?? 0 }),
          remainingMs: () => context.getRemainingTimeInMillis(),
          marginMs,
          ...(options.streamBatchSize === undefined ? {} : { streamBatchSize: options.streamBatchSize }),
        }),
      );
      logger.info('reconcile fan-out', { trigger: scope.trigger, ...summary, errors: summary.errorCount });
      if (summary.errorCount > 0) throw new FanOutFailedError(summary);
      return summary;
    }
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
