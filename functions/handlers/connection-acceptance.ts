import type { SQSEvent } from 'aws-lambda';
import { parseConnectionAcceptanceMessage } from '../../events/schemas/queue-messages';
import { convergePendingConnections } from '../converge/connections';
import { accountScopeCache } from '../converge/vpc';
import { withLambdaContext } from '../shared/middleware';
import type { Runtime } from '../shared/runtime';
import { processBatch, type RecordFailures } from '../shared/sqs-batch';

/**
 * Connection notifications (SNS -> SQS) and VPC onboarding's hand-offs (EventBridge -> SQS). Every record is only a
 * trigger: one pass re-reads all pending connections and makes one Accept and one Reject call for the batch.
 */
export function connectionAcceptanceHandler(runtime: Runtime) {
  return withLambdaContext(async (event: SQSEvent, context) =>
    processBatch(
      event,
      context,
      (record) => parseConnectionAcceptanceMessage(record.body),
      async (records) => {
        const correlationId = [...new Set(records.map((r) => r.scope.eventId))].join(',').slice(0, 512);
        const { errors } = await convergePendingConnections(runtime, accountScopeCache(runtime), { dryRun: false, correlationId });
        const anyError = errors.values().next().value;
        const failures: RecordFailures = new Map();
        for (const { messageId, scope } of records) {
          // A record naming an endpoint fails only with that endpoint; a bare notification fails if anything did.
          const endpointId = scope.kind === 'endpoint' ? scope.vpcEndpointId : scope.vpcEndpointId;
          const error = endpointId === undefined ? anyError : errors.get(endpointId);
          if (error !== undefined) failures.set(messageId, error);
        }
        return failures;
      },
    ),
  );
}
