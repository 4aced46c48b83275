/**
 * What a parsed event tells a handler: only *where* to look (DEVELOPERS.md, level-triggered). The
 * handler re-reads the truth for that scope; nothing else in the event is trusted.
 */
import type { OrganizationEventName } from '../patterns';

export interface AccountScope {
  kind: 'account';
  accountId: string;
  /** The event id: the audit correlation id. */
  eventId: string;
  trigger: OrganizationEventName;
  /** What the event claims; the handler still re-reads membership in Organizations. */
  claimedChange: 'joined' | 'left';
}

export interface VpcScope {
  kind: 'vpc';
  accountId: string;
  region: string;
  vpcId: string;
  eventId: string;
  changedTagKeys: string[];
}

export interface EndpointScope {
  kind: 'endpoint';
  accountId: string;
  region: string;
  vpcId: string;
  vpcEndpointId: string;
  serviceId?: string;
  eventId: string;
}

/** A connection notification: a trigger to re-read the service's pending connections. */
export interface ConnectionsScope {
  kind: 'connections';
  topicArn: string;
  /** Hints read from the undocumented message body, when present. */
  serviceId?: string;
  vpcEndpointId?: string;
  endpointOwnerId?: string;
  vpcId?: string;
  eventId: string;
}

export interface OrganizationScope {
  kind: 'organization';
  trigger: 'schedule' | 'manual';
  dryRun: boolean;
  /** Limit a manual run to these accounts; absent means the whole organization. */
  accountIds?: string[];
  eventId: string;
}

/** A well-formed event that asks for nothing (a failed account creation, a subnet's tags). */
export interface IgnoredEvent {
  kind: 'ignored';
  reason: string;
  eventId: string;
}

export type EventScope = AccountScope | VpcScope | EndpointScope | ConnectionsScope | OrganizationScope | IgnoredEvent;
