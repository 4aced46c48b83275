/**
 * The SNS envelope that SQS receives from a topic subscription with raw message delivery off, as used
 * for the endpoint service's connection notifications. The inner message format is not documented, so
 * it is only mined for hints; the handler re-reads connections with DescribeVpcEndpointConnections.
 */
import * as z from 'zod';
import { parseOrThrow } from './errors';
import type { ConnectionsScope } from './scope';

export const snsNotificationSchema = z.looseObject({
  Type: z.literal('Notification'),
  MessageId: z.string().min(1),
  TopicArn: z.string().regex(/^arn:aws[\w-]*:sns:[a-z0-9-]+:\d{12}:.+$/, 'expected an SNS topic ARN'),
  Subject: z.string().nullish(),
  Message: z.string(),
  Timestamp: z.string(),
  SignatureVersion: z.string().optional(),
  Signature: z.string().optional(),
  SigningCertURL: z.string().optional(),
  UnsubscribeURL: z.string().optional(),
});
export type SnsNotification = z.output<typeof snsNotificationSchema>;

export function isSnsNotification(input: unknown): boolean {
  return typeof input === 'object' && input !== null && (input as { Type?: unknown }).Type === 'Notification';
}

export function parseConnectionNotification(input: unknown): ConnectionsScope {
  const notification = parseOrThrow(snsNotificationSchema, input, 'SNS notification');
  const hints = messageHints(notification.Message);
  return { kind: 'connections', topicArn: notification.TopicArn, eventId: notification.MessageId, ...hints };
}

type Hints = Pick<ConnectionsScope, 'serviceId' | 'vpcEndpointId' | 'endpointOwnerId' | 'vpcId'>;

/** Ids found anywhere in the message, whatever the field names (the format is not documented). */
function messageHints(message: string): Hints {
  let parsed: unknown;
  try {
    parsed = JSON.parse(message);
  }
  // Stryker disable next-line BlockStatement: equivalent, visiting the undefined left by a failed parse finds no hint either
  catch {
    // Not JSON: the notification is still a valid trigger, it just carries no hints.
    return {};
  }
  const hints: Hints = {};
  const visit = (value: unknown, key: string): void => {
    if (Array.isArray(value)) return value.forEach((item) => visit(item, key));
    if (typeof value === 'object' && value !== null) {
      return Object.entries(value).forEach(([childKey, child]) => visit(child, childKey));
    }
    if (typeof value !== 'string') return;
    if (/^vpce-svc-[0-9a-f]{8,17}$/.test(value)) hints.serviceId ??= value;
    else if (/^vpce-[0-9a-f]{8,17}$/.test(value)) hints.vpcEndpointId ??= value;
    else if (/^vpc-[0-9a-f]{8,17}$/.test(value)) hints.vpcId ??= value;
    else if (/owner/i.test(key) && /^\d{12}$/.test(value)) hints.endpointOwnerId ??= value;
  };
  // Stryker disable next-line StringLiteral: equivalent, the root has no key, and any name without "owner" reads the same
  visit(parsed, '');
  return hints;
}
