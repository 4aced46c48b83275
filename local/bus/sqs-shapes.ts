/** What SQS hands a Lambda function: records as the SQS event source mapping builds them. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';

export interface QueueAddress {
  name: string;
  accountId: string;
  region: string;
}

export function queueArn(queue: QueueAddress): string {
  return `arn:aws:sqs:${queue.region}:${queue.accountId}:${queue.name}`;
}

export interface StoredMessage {
  messageId: string;
  body: string;
  /** Who sent it, as SQS reports in SenderId (the service principal's id for EventBridge and SNS). */
  senderId: string;
  sentTimestamp: number;
  receiveCount: number;
  firstReceiveTimestamp?: number;
  /** FIFO queues only: the message's group and deduplication ids and its place in the queue. */
  fifo?: { groupId: string; deduplicationId: string; sequenceNumber: number };
}

export function toSqsRecord(message: StoredMessage, queue: QueueAddress): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: `${randomBytes(48).toString('base64')}`,
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentTimestamp),
      SenderId: message.senderId,
      ApproximateFirstReceiveTimestamp: String(message.firstReceiveTimestamp ?? message.sentTimestamp),
      ...(message.fifo === undefined
        ? {}
        : {
            MessageGroupId: message.fifo.groupId,
            MessageDeduplicationId: message.fifo.deduplicationId,
            SequenceNumber: String(message.fifo.sequenceNumber).padStart(20, '0'),
          }),
    },
    messageAttributes: {},
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(queue),
    awsRegion: queue.region,
  };
}

/**
 * The body SQS receives from an SNS subscription with raw message delivery off: the SNS JSON envelope
 * (SNS pretty-prints it; the signature fields are placeholders, nothing local verifies them).
 */
export function snsEnvelopeBody(topicArn: string, message: string, timestamp: Date): string {
  const [, , , region = 'us-east-1'] = topicArn.split(':');
  const envelope = {
    Type: 'Notification',
    MessageId: randomUUID(),
    TopicArn: topicArn,
    Message: message,
    Timestamp: timestamp.toISOString(),
    SignatureVersion: '1',
    Signature: randomBytes(128).toString('base64'),
    SigningCertURL: `https://sns.${region}.amazonaws.com/SimpleNotificationService-local.pem`,
    UnsubscribeURL: `https://sns.${region}.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=${topicArn}:${randomUUID()}`,
  };
  return JSON.stringify(envelope, null, 2);
}

/** SenderId values SQS shows for messages sent by these services (placeholders of the real shape). */
export const SENDER_IDS = {
  eventBridge: 'AIDAEVENTBRIDGELOCAL1',
  sns: 'AIDAIT2UOQQY3AUEKVGXU',
  /** The pipe sends as its execution role's session (role id : session name). */
  pipe: 'AROAEGRESSPIPELOCAL01:pipe-session',
} as const;
