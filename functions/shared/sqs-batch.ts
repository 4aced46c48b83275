import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { assertIsError } from './errors';
import { withEventSenders } from './event-senders';
import { logger } from './logger';

export interface ParsedRecord<TScope> {
  readonly messageId: string;
  readonly scope: TScope;
}

/** What a parsed record must say of its trigger: the event id (the audit correlation id) and, for EventBridge events, who sent it. */
export interface TriggeringEvent {
  readonly eventId: string;
  readonly senderAccountId?: string | undefined;
}

/** Per message id, the error that fails that record (and only that record). */
export type RecordFailures = Map<string, Error>;

/**
 * The shape of every SQS-fed handler: parse every record first, then do the work for all well-formed records at
 * once (so hub-side calls are batched), then report per record through Powertools' partial batch response.
 * A record that cannot be parsed fails with its reason logged, so after its retries it lands in the dead-letter
 * queue; an error thrown by `work` itself fails the whole batch (every record is retried). The audit records `work`
 * writes name the account that sent each record's event (shared/event-senders.ts).
 */
export async function processBatch<TScope extends TriggeringEvent>(
  event: SQSEvent,
  context: Context,
  parse: (record: SQSRecord) => TScope,
  work: (records: ParsedRecord<TScope>[]) => Promise<RecordFailures>,
): Promise<SQSBatchResponse> {
  const failures: RecordFailures = new Map();
  const parsed: ParsedRecord<TScope>[] = [];
  for (const record of event.Records) {
    try {
      parsed.push({ messageId: record.messageId, scope: parse(record) });
    } catch (error) {
      assertIsError(error);
      logger.error('malformed record', { messageId: record.messageId, reason: error.message, body: record.body.slice(0, 2048) });
      failures.set(record.messageId, error);
    }
  }
  if (parsed.length > 0) {
    const senders = parsed.map(({ scope }) => [scope.eventId, scope.senderAccountId] as const);
    for (const [messageId, error] of await withEventSenders(senders, () => work(parsed))) failures.set(messageId, error);
  }
  for (const [messageId, error] of failures) {
    logger.warn('record failed', { messageId, error: error.message, errorName: error.name });
  }
  // A processor per call: it holds the batch's state, and the local runner invokes several handlers in one process.
  const processor = new BatchProcessor(EventType.SQS);
  return processPartialResponse(
    event,
    (record: SQSRecord) => {
      const failure = failures.get(record.messageId);
      if (failure !== undefined) throw failure;
      return Promise.resolve();
    },
    processor,
    { context },
  );
}

/** Fails every record whose scope key has an error. */
export function failuresByKey<TScope>(
  records: readonly ParsedRecord<TScope>[],
  keyOf: (scope: TScope) => string | undefined,
  errors: ReadonlyMap<string, Error>,
): RecordFailures {
  const failures: RecordFailures = new Map();
  for (const record of records) {
    const key = keyOf(record.scope);
    const error = key === undefined ? undefined : errors.get(key);
    if (error !== undefined) failures.set(record.messageId, error);
  }
  return failures;
}
