/** What SQS hands a Lambda function: records as the SQS event source mapping builds them. */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { SqsMessageAttributes } from '../cloud/api';

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
  /** What SendMessage's MessageAttributes gave it; absent when it had none. */
  messageAttributes?: SqsMessageAttributes;
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
    messageAttributes: lambdaMessageAttributes(message.messageAttributes ?? {}),
    md5OfBody: createHash('md5').update(message.body).digest('hex'),
    ...(hasAttributes(message.messageAttributes) ? { md5OfMessageAttributes: md5OfMessageAttributes(message.messageAttributes) } : {}),
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn(queue),
    awsRegion: queue.region,
  };
}

const hasAttributes = (attributes: SqsMessageAttributes | undefined): attributes is SqsMessageAttributes =>
  attributes !== undefined && Object.keys(attributes).length > 0;

/**
 * The event source mapping's shape of message attributes: camel-cased, with the list values SQS reserves (never set)
 * as empty lists, and the value under `stringValue` or (Binary, base64) `binaryValue`.
 */
function lambdaMessageAttributes(attributes: SqsMessageAttributes): SQSMessageAttributes {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, { dataType, stringValue, binaryValue }]) => [
      name,
      {
        ...(binaryValue === undefined ? { stringValue } : { binaryValue }),
        stringListValues: [],
        binaryListValues: [],
        dataType,
      },
    ]),
  );
}

/**
 * MD5OfMessageAttributes as SQS computes it (developer guide, "Calculating the MD5 message digest for message
 * attributes"): attributes sorted by name; each as its name, its data type and its value, each preceded by its length
 * (4 bytes, big-endian), with the transport type (1 byte: 1 for a string value, 2 for binary) before the value.
 * Names sort by UTF-16 code unit, as Java's String order (and SQS's SDKs) sort them.
 */
export function md5OfMessageAttributes(attributes: SqsMessageAttributes): string {
  const hash = createHash('md5');
  const byName = Object.entries(attributes).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  for (const [name, { dataType, stringValue, binaryValue }] of byName) {
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(dataType, 'utf8')));
    if (binaryValue === undefined) {
      hash.update(Buffer.of(STRING_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(stringValue ?? '', 'utf8')));
    } else {
      hash.update(Buffer.of(BINARY_TRANSPORT));
      hash.update(lengthPrefixed(Buffer.from(binaryValue, 'base64')));
    }
  }
  return hash.digest('hex');
}

/** Number travels as a string: only String and Binary have a transport type of their own. */
const STRING_TRANSPORT = 1;
const BINARY_TRANSPORT = 2;

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
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
