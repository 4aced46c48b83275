/**
 * One parser per hub queue: SQS hands each function the message body as text, which is the EventBridge
 * event JSON, the pipe's `{"event": ...}` around it (the grouped VPC onboarding queue, events/piped-event.ts), or
 * (acceptance queue only) the SNS envelope JSON of a connection notification.
 */
import { PIPED_EVENT_FIELD } from '../piped-event';
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

/** The VPC onboarding queue is fed by a pipe, which puts each event under one field (events/piped-event.ts). */
export function parseVpcOnboardingMessage(body: string, options: TagChangeOptions = {}): VpcScope | IgnoredEvent {
  return parseTagChangeEvent(pipedEvent(parseJsonBody(body, 'VPC onboarding message'), 'VPC onboarding message'), options);
}

function pipedEvent(message: unknown, kind: string): unknown {
  // JSON.parse gives null or something with properties (a string's or a number's are never the event).
  const event = message === null ? undefined : (message as Record<string, unknown>)[PIPED_EVENT_FIELD];
  if (typeof event !== 'object' || event === null || Array.isArray(event)) {
    throw new MalformedEventError(kind, `expected the pipe's {"${PIPED_EVENT_FIELD}": <event>}, with the EventBridge event as an object`);
  }
  return event;
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
