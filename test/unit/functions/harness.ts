import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { loadConfig } from '../../../functions/shared/config';
import { logger } from '../../../functions/shared/logger';
import { buildRuntime, type Runtime } from '../../../functions/shared/runtime';

export const HUB_SERVICE_ID = 'vpce-svc-0fedcba9876543210';
export const HUB_SERVICE_NAME = `com.amazonaws.vpce.eu-west-2.${HUB_SERVICE_ID}`;

export function testRuntime(env: Record<string, string> = {}): Runtime {
  const config = loadConfig({
    HUB_SERVICE_ID,
    HUB_SERVICE_NAME,
    HUB_EVENT_BUS_NAME: 'egress-control-plane',
    // Retries would only slow the failure-path tests down.
    AWS_MAX_ATTEMPTS: '1',
    ...env,
  });
  return buildRuntime(config, 'eu-west-2');
}

export function sqsEvent(bodies: readonly unknown[]): SQSEvent {
  return {
    Records: bodies.map(
      (body, index): SQSRecord => ({
        messageId: `m${index}`,
        receiptHandle: `r${index}`,
        body: typeof body === 'string' ? body : JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: '0',
          SenderId: 'events.amazonaws.com',
          ApproximateFirstReceiveTimestamp: '0',
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:eu-west-2:222222222222:queue',
        awsRegion: 'eu-west-2',
      }),
    ),
  };
}

/**
 * A batch of the grouped VPC onboarding queue: each event as the pipe writes it (`{"event": ...}`,
 * events/piped-event.ts), grouped by the event's account. A string stays as it is (a malformed body).
 */
export function pipedSqsEvent(events: readonly unknown[]): SQSEvent {
  const batch = sqsEvent(events.map((event) => (typeof event === 'string' ? event : { event })));
  batch.Records.forEach((record, index) => {
    const account = (events[index] as { account?: unknown }).account;
    Object.assign(record.attributes, { MessageGroupId: typeof account === 'string' ? account : 'unknown', MessageDeduplicationId: `d${index}` });
  });
  return batch;
}

export const lambdaContext: Context = {
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'test',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-2:222222222222:function:test',
  memoryLimitInMB: '256',
  awsRequestId: 'req-1',
  logGroupName: '/aws/lambda/test',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 60000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
};

/** AWS SDK errors carry their code as `name`. */
export function awsError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: {} });
}

/** Keeps test output readable; assertions on audit records spy on the logger, which still sees every call. */
logger.setLogLevel('SILENT');
