import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

/** The acceptance function's own queue, to which it returns the notifications it defers (core/deferral.ts). */
export interface AcceptanceQueue {
  readonly sqs: SQSClient;
  readonly url: string;
}

/**
 * The message attribute that marks a deferred copy, naming the message it copies. A copy is never deferred again;
 * a message that claims to be one without being one is only decided at once, as without deferral.
 */
export const DEFERRED_FROM_ATTRIBUTE = 'DeferredFrom';

/** Whether an SQS record is a deferred copy (its DeferredFrom attribute set). */
export function isDeferredCopy(record: SQSRecord): boolean {
  return record.messageAttributes[DEFERRED_FROM_ATTRIBUTE]?.stringValue !== undefined;
}

/**
 * Puts a copy of `body` back on the queue, invisible for `delaySeconds` (SQS's per-message timer, 0-900 s on a
 * standard queue) and marked as the copy of message `copyOf`. Throws when SQS does not take it: the caller must then
 * fail the original record so that SQS delivers it again, never count it as handled.
 */
export async function sendDelayed(queue: AcceptanceQueue, body: string, delaySeconds: number, copyOf: string): Promise<string> {
  const { MessageId } = await queue.sqs.send(
    new SendMessageCommand({
      QueueUrl: queue.url,
      MessageBody: body,
      DelaySeconds: delaySeconds,
      MessageAttributes: { [DEFERRED_FROM_ATTRIBUTE]: { DataType: 'String', StringValue: copyOf } },
    }),
  );
  if (MessageId === undefined) throw new Error(`SendMessage to ${queue.url} returned no MessageId`);
  return MessageId;
}
