/**
 * One parser per hub queue: SQS hands each function the message body as text, which is the EventBridge
 * event JSON, or (acceptance queue only) the SNS envelope JSON of a connection notification.
 */
import { MalformedEventError, parseJsonBody } from './errors';
import { parseEndpointCreatedEvent } from './endpoint-created';
import { parseOrganizationsEvent } from './organizations';
import { parseAccountReconcileRequestedEvent } from './reconcile-requests';
import type { AccountReconcileScope, AccountScope, ConnectionsScope, EndpointScope, IgnoredEvent, VpcScope } from './scope';
import { isSnsNotification, parseConnectionNotification } from './sns-notification';
import { parseTagChangeEvent, type TagChangeOptions } from './tag-change';

export function parseAccountOnboardingMessage(body: string): AccountScope | IgnoredEvent {
  return parseOrganizationsEvent(parseJsonBody(body, 'account onboarding message'));
}

export function parseVpcOnboardingMessage(body: string, options: TagChangeOptions = {}): VpcScope | IgnoredEvent {
  return parseTagChangeEvent(parseJsonBody(body, 'VPC onboarding message'), options);
}

export function parseAccountReconcileMessage(body: string): AccountReconcileScope {
  return parseAccountReconcileRequestedEvent(parseJsonBody(body, 'account reconcile message'));
}

export function parseConnectionAcceptanceMessage(body: string): EndpointScope | ConnectionsScope {
  const message = parseJsonBody(body, 'connection acceptance message');
  if (isSnsNotification(message)) return parseConnectionNotification(message);
  if (typeof message === 'object' && message !== null && 'detail-type' in message) {
    return parseEndpointCreatedEvent(message);
  }
  throw new MalformedEventError(
    'connection acceptance message',
    'neither an SNS notification (Type: Notification) nor an EventBridge event (detail-type)',
  );
}
