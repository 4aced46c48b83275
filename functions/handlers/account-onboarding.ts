import type { SQSEvent } from 'aws-lambda';
import { parseAccountOnboardingMessage } from '../../events/schemas/queue-messages';
import { convergeAccounts, type AccountRequest } from '../converge/accounts';
import { logger } from '../shared/logger';
import { withLambdaContext } from '../shared/middleware';
import type { Runtime } from '../shared/runtime';
import { failuresByKey, processBatch } from '../shared/sqs-batch';

/** Organization membership events (EventBridge -> SQS): converge every named account in one batched pass. */
export function accountOnboardingHandler(runtime: Runtime) {
  return withLambdaContext(async (event: SQSEvent, context) =>
    processBatch(
      event,
      context,
      (record) => parseAccountOnboardingMessage(record.body),
      async (records) => {
        const requests = new Map<string, string[]>();
        for (const { scope } of records) {
          if (scope.kind === 'ignored') {
            logger.info('event ignored', { correlationId: scope.eventId, reason: scope.reason });
            continue;
          }
          requests.set(scope.accountId, [...(requests.get(scope.accountId) ?? []), scope.eventId]);
        }
        const batch: AccountRequest[] = [...requests].map(([accountId, correlationIds]) => ({ accountId, correlationIds }));
        const errors = batch.length === 0 ? new Map<string, Error>() : await convergeAccounts(runtime, batch);
        return failuresByKey(records, (scope) => (scope.kind === 'account' ? scope.accountId : undefined), errors);
      },
    ),
  );
}
