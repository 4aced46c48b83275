/**
 * The queues the SQS API serves: each hosted queue (held and consumed by the local bus) and its dead-letter queue,
 * found by URL, name or ARN. A queue lives in one account and region; other callers do not see it.
 */
import { LOCAL_DEFAULTS, type HostedQueue, type HostedQueueDefinition } from '../api';

export interface SourceQueue {
  readonly kind: 'source';
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  readonly hosted: HostedQueue;
  readonly deadLetterQueue: DeadLetterQueue;
}

export interface DeadLetterQueue {
  readonly kind: 'dead-letter';
  readonly name: string;
  readonly accountId: string;
  readonly region: string;
  readonly arn: string;
  readonly source: SourceQueue;
}

export type ServedQueue = SourceQueue | DeadLetterQueue;

export const queueArn = (region: string, accountId: string, name: string) => `arn:aws:sqs:${region}:${accountId}:${name}`;

export function buildQueues(definitions: Readonly<Record<string, HostedQueueDefinition>>, hubAccountId: string): ServedQueue[] {
  return Object.entries(definitions).flatMap(([name, definition]) => {
    const accountId = definition.accountId ?? hubAccountId;
    const region = definition.region ?? LOCAL_DEFAULTS.hubRegion;
    const source = { kind: 'source', name, accountId, region, arn: queueArn(region, accountId, name), hosted: definition.queue } as SourceQueue;
    const deadLetterName = definition.deadLetterQueueName;
    const deadLetterQueue: DeadLetterQueue = { kind: 'dead-letter', name: deadLetterName, accountId, region, arn: queueArn(region, accountId, deadLetterName), source };
    Object.assign(source, { deadLetterQueue });
    return [source, deadLetterQueue];
  });
}

/**
 * `https://sqs.eu-west-2.amazonaws.com/123456789012/name` or the local cloud's `http://127.0.0.1:4566/123456789012/name`:
 * the account and the name are the last two path segments, whatever the host.
 */
export function parseQueueUrl(url: string): { accountId: string; name: string } | undefined {
  if (!URL.canParse(url)) return undefined;
  // SQS's names: letters, digits, hyphens and underscores, at most 80 characters with a FIFO queue's `.fifo`.
  const match = /^\/(\d{12})\/([\w-]{1,80}|[\w-]{1,75}\.fifo)\/?$/.exec(new URL(url).pathname);
  return match?.[1] && match[2] ? { accountId: match[1], name: match[2] } : undefined;
}

/** The URL a queue is known by: on this server's host, so the SDK (which sends requests to the queue URL) comes back here. */
export const queueUrlOf = (queue: ServedQueue, host: string) => `http://${host}/${queue.accountId}/${queue.name}`;
