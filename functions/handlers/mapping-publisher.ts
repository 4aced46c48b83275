import type { SQSEvent } from 'aws-lambda';
import { parseEndpointMappingChangedEvent } from '../../events/schemas/endpoint-mapping-changed';
import { parseJsonBody } from '../../events/schemas/errors';
import { publishEndpointMapping } from '../converge/mapping-publisher';
import { toError } from '../converge/bounded';
import { logger } from '../shared/logger';
import { withLambdaContext } from '../shared/middleware';
import type { Runtime } from '../shared/runtime';
import { processBatch, type RecordFailures } from '../shared/sqs-batch';

/** The schedule's own event (EventBridge puts it on the queue): the backstop for lost triggers. */
function isScheduledEvent(message: unknown): message is { id: string } {
  const event = message as { source?: unknown; 'detail-type'?: unknown; id?: unknown } | null;
  return event?.source === 'aws.events' && event['detail-type'] === 'Scheduled Event' && typeof event.id === 'string';
}

/**
 * "Endpoint Mapping Changed" triggers and the schedule (EventBridge -> SQS): however many records, one compile of
 * the whole mapping. A failed compile fails every record, so SQS retries them (and a persistent failure reaches the
 * dead-letter queue and its alarm).
 */
export function mappingPublisherHandler(runtime: Runtime) {
  return withLambdaContext(async (event: SQSEvent, context) =>
    processBatch(
      event,
      context,
      (record) => {
        const message = parseJsonBody(record.body, 'mapping publish message');
        if (isScheduledEvent(message)) return { eventId: message.id };
        return parseEndpointMappingChangedEvent(message);
      },
      async (records) => {
        const store = runtime.policyStore;
        if (store === undefined) throw new Error('POLICY_BUCKET is not set: there is no mapping to publish');
        const correlationId = [...new Set(records.map((r) => r.scope.eventId))].join(',').slice(0, 512);
        const failures: RecordFailures = new Map();
        try {
          const outcome = await publishEndpointMapping(store, correlationId, { remainingMs: () => context.getRemainingTimeInMillis() });
          logger.info('mapping compiled', { correlationId, ...outcome });
        } catch (thrown) {
          const error = toError(thrown);
          for (const { messageId } of records) failures.set(messageId, error);
        }
        return failures;
      },
    ),
  );
}
