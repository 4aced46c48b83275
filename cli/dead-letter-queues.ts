import type {
  SQSClient} from '@aws-sdk/client-sqs';
import {
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { queueOfDeadLetterQueue } from '../events/queue-names';

/** A dead-letter queue of the deployment, found by its name (events/queue-names.ts). */
export interface DeadLetterQueue {
  /** The queue whose messages it holds, e.g. `vpc-onboarding`. */
  readonly queue: string;
  readonly url: string;
  readonly arn: string;
  /** ApproximateNumberOfMessages plus ...NotVisible: every message in it, read or not. */
  readonly messages: number;
}

export interface DeadLetterSample {
  readonly messageId: string;
  readonly sentAt: string | undefined;
  readonly receiveCount: number | undefined;
  readonly body: string;
}

/**
 * The deployment's dead-letter queues with their message counts. One ListQueues by the deployment's prefix and
 * one GetQueueAttributes per dead-letter queue: cheap enough for `status` to run every time.
 */
export async function listDeadLetterQueues(sqs: SQSClient, deploymentName: string): Promise<DeadLetterQueue[]> {
  const urls: string[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: `${deploymentName}-`, MaxResults: 1000, NextToken: nextToken }));
    urls.push(...(page.QueueUrls ?? []));
    nextToken = page.NextToken;
  } while (nextToken !== undefined);
  const deadLetterUrls = urls.flatMap((url) => {
    const queue = queueOfDeadLetterQueue(deploymentName, url.slice(url.lastIndexOf('/') + 1));
    return queue === undefined ? [] : [{ queue, url }];
  });
  const queues = await Promise.all(
    deadLetterUrls.map(async ({ queue, url }) => {
      const { Attributes: attributes = {} } = await sqs.send(
        new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn', 'ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      const count = (name: string) => Number(attributes[name as keyof typeof attributes] ?? 0);
      return { queue, url, arn: attributes.QueueArn ?? '', messages: count('ApproximateNumberOfMessages') + count('ApproximateNumberOfMessagesNotVisible') };
    }),
  );
  return queues.sort((a, b) => a.queue.localeCompare(b.queue));
}

/**
 * Up to `count` (at most 10) messages of a dead-letter queue, read with a visibility timeout of 0: they stay
 * where they are, visible to the next reader and to a redrive. A short wait lets SQS look on all its servers.
 */
export async function sampleDeadLetters(sqs: SQSClient, queue: DeadLetterQueue, count: number): Promise<DeadLetterSample[]> {
  if (queue.messages === 0 || count === 0) return [];
  const { Messages: messages = [] } = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queue.url,
      MaxNumberOfMessages: Math.min(10, count),
      VisibilityTimeout: 0,
      WaitTimeSeconds: 1,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return messages.map((message) => {
    const sent = Number(message.Attributes?.SentTimestamp);
    const received = Number(message.Attributes?.ApproximateReceiveCount);
    return {
      messageId: message.MessageId ?? '',
      sentAt: Number.isFinite(sent) && sent > 0 ? new Date(sent).toISOString() : undefined,
      receiveCount: Number.isFinite(received) ? received : undefined,
      body: message.Body ?? '',
    };
  });
}

export interface MoveTaskOutcome {
  readonly queue: string;
  readonly status: string;
  readonly moved: number;
  readonly toMove: number | undefined;
  readonly failureReason?: string;
}

/** How long `--redrive` follows a move task before it reports it as still running. */
const FOLLOW_MOVE_TASK_MS = 30_000;
const POLL_MS = 500;

/**
 * SQS's message move task: the dead letters go back to the queue they came from (no DestinationArn), where the
 * function retries them. Followed until it ends, or for 30 s (a large queue moves on while the command returns).
 */
export async function redrive(sqs: SQSClient, queue: DeadLetterQueue): Promise<MoveTaskOutcome> {
  await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: queue.arn }));
  const deadline = Date.now() + FOLLOW_MOVE_TASK_MS;
  for (;;) {
    const { Results: [task] = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: queue.arn, MaxResults: 1 }));
    const status = task?.Status ?? 'UNKNOWN';
    if (status !== 'RUNNING' || Date.now() > deadline) {
      return {
        queue: queue.queue,
        status,
        moved: task?.ApproximateNumberOfMessagesMoved ?? 0,
        toMove: task?.ApproximateNumberOfMessagesToMove,
        ...(task?.FailureReason === undefined ? {} : { failureReason: task.FailureReason }),
      };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
