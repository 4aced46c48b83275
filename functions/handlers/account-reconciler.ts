import type { SQSEvent } from 'aws-lambda';
import { parseAccountReconcileMessage } from '../../events/schemas/queue-messages';
import { reconcileRequestedAccounts, type AccountReconcileRequest } from '../converge/requested-accounts';
import { withLambdaContext } from '../shared/middleware';
import { withEventSenders } from '../shared/event-senders';
import { ownAccountId } from '../shared/own-account';
import type { Runtime } from '../shared/runtime';
import { failuresByKey, processBatch } from '../shared/sqs-batch';

/**
 * The reconciler's per-account work items (hub bus -> SQS): converge each named account once, however many of its
 * items the batch holds (a continuation or a retried run may publish one twice), and fail the items of an account
 * whose pass recorded errors.
 */
export function accountReconcilerHandler(runtime: Runtime) {
  return withLambdaContext(async (event: SQSEvent, context) =>
    processBatch(
      event,
      context,
      (record) => parseAccountReconcileMessage(record.body),
      async (records) => {
        const hubAccountId = ownAccountId(context);
        const requests = new Map<string, AccountReconcileRequest>();
        for (const { scope } of records) {
          const fromRun = scope.senderAccountId === hubAccountId;
          const known = requests.get(scope.accountId);
          // The first item's run id correlates the pass; the later ones asked for the same convergence. An item from
          // the control plane's own run carries that run's scope decision; any other makes the account re-read.
          const ancestors = scope.ancestorIds === undefined ? {} : { ancestorIds: scope.ancestorIds };
          if (known === undefined) requests.set(scope.accountId, { accountId: scope.accountId, runId: scope.runId, decidedInScopeByRun: fromRun, ...(fromRun ? ancestors : {}) });
          else if (fromRun && !known.decidedInScopeByRun) requests.set(scope.accountId, { ...known, decidedInScopeByRun: true, ...ancestors });
        }
        // The pass is audited under its run id: the work items' sender is the sender of that run's records.
        const runSenders = records.map(({ scope }) => [scope.runId, scope.senderAccountId] as const);
        const errors = await withEventSenders(runSenders, () => reconcileRequestedAccounts(runtime, [...requests.values()]));
        return failuresByKey(records, (scope) => scope.accountId, errors);
      },
    ),
  );
}
