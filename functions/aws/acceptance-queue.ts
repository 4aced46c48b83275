import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** The acceptance function's own queue, to which it returns the notifications it defers (core/deferral.ts). */
export interface AcceptanceQueue {
  readonly sqs: SQSClient;
  readonly url: string;
}

/**
 * Puts a copy of `body` back on the queue, invisible for `delaySeconds` (SQS's per-message timer, 0-900 s on a
 * standard queue). Throws when SQS does not take it: the caller must then fail the original record so that SQS
 * delivers it again, never count it as handled.
 */
export async function sendDelayed(queue: AcceptanceQueue, body: string, delaySeconds: number): Promise<string> {
  const { MessageId } = await queue.sqs.send(new SendMessageCommand({ QueueUrl: queue.url, MessageBody: body, DelaySeconds: delaySeconds }));
  if (MessageId === undefined) throw new Error(`SendMessage to ${queue.url} returned no MessageId`);
  return MessageId;
}
