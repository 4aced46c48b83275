/**
 * The EventBridge Pipe between a grouped queue's standard intake and the FIFO queue itself (events/routes.ts,
 * `messageGroups`; infra/constructs/grouping-intake.ts deploys it). For each record of the intake: the body parsed
 * when it is JSON (Pipes' implicit body data parsing), the group and deduplication ids read from it (dynamic path
 * parameters), the FIFO message's body rendered from the input template. A record the pipe cannot read fails its
 * whole batch, which the intake retries and finally dead-letters; records of that batch already sent are dropped by
 * the FIFO queue's deduplication when they come round again.
 */
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { MessageGroups } from '../../events/routes';
import { renderInputTemplate, stringAtPath } from './json-path';
import type { LocalQueue, SqsConsumer } from './local-queue';
import { SENDER_IDS } from './sqs-shapes';

export function groupingPipe(target: LocalQueue, groups: MessageGroups): SqsConsumer {
  return (event: SQSEvent) => {
    for (const record of event.Records) {
      const source = pipeEvent(record);
      target.send(renderInputTemplate(groups.inputTemplate, source), SENDER_IDS.pipe, {
        groupId: stringAtPath(source, groups.groupIdPath),
        deduplicationId: stringAtPath(source, groups.deduplicationIdPath),
      });
    }
    return Promise.resolve();
  };
}

/** The record as the pipe sees it: an SQS source's `body` is parsed when it is JSON, left as text otherwise. */
function pipeEvent(record: SQSRecord): Omit<SQSRecord, 'body'> & { body: unknown } {
  try {
    return { ...record, body: JSON.parse(record.body) as unknown };
  } catch {
    return record;
  }
}
