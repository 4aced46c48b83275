/**
 * What a parsed event tells a handler: only *where* to look (DEVELOPERS.md, level-triggered). The
 * handler re-reads the truth for that scope; nothing else in the event is trusted.
 */
import type { OrganizationEventName } from '../patterns';

/** What every scope parsed from an EventBridge event knows of its trigger, for the audit trail. */
interface EventSender {
  /** The account that put the event on the bus (EventBridge sets `account` from the sender's credentials). */
  senderAccountId: string;
}

export interface AccountScope extends EventSender {
  kind: 'account';
  accountId: string;
  /** The event id: the audit correlation id. */
  eventId: string;
  trigger: OrganizationEventName;
  /** What the event claims; the handler still re-reads membership in Organizations. */
  claimedChange: 'joined' | 'left';
}

export interface VpcScope extends EventSender {
  kind: 'vpc';
  accountId: string;
  region: string;
  vpcId: string;
  eventId: string;
  changedTagKeys: string[];
}

export interface EndpointScope extends EventSender {
  kind: 'endpoint';
  accountId: string;
  region: string;
  vpcId: string;
  vpcEndpointId: string;
  serviceId?: string;
  eventId: string;
  /** The account that put the event on the bus (EventBridge sets `account` from the caller's credentials). */
  senderAccountId: string;
  /** What the creating step read (owner in scope, VPC tagged); only to be trusted from the control plane's account. */
  decided?: { ownerInScope: true; vpcTagged: true; ownerAncestorIds?: string[] };
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
  trigger: 'schedule' | 'manual' | 'continuation';
  dryRun: boolean;
  /**
   * Fan out: hand each in-scope account to the account-reconcile queue instead of converging it inline (the
   * schedule, a continuation, or a manual `{ "fanOut": true }`). Always a whole-organization apply.
   */
  fanOut: boolean;
  /** Limit a manual run to these accounts; absent means the whole organization. */
  accountIds?: string[];
  eventId: string;
  /** A continuation: the run it carries on and the last account that run published. */
  continuation?: { runId: string; afterAccountId: string; senderAccountId: string; retries?: number };
  /** The account that sent the triggering event (the schedule's, a continuation's); absent for a manual invocation. */
  senderAccountId?: string;
}

/** One account of a fan-out run, to converge as the reconciler would (the account-reconcile queue). */
export interface AccountReconcileScope {
  kind: 'account-reconcile';
  accountId: string;
  /** The fan-out run's id: the audit correlation id of everything done for it. */
  runId: string;
  eventId: string;
  /** The account that put the event on the bus (EventBridge sets `account` from the caller's credentials). */
  senderAccountId: string;
  /** The account's parents as the run read them (nearest first), for the per-OU policy defaults. */
  ancestorIds?: string[];
}

/** A well-formed event that asks for nothing (a failed account creation, a subnet's tags). */
export interface IgnoredEvent {
  kind: 'ignored';
  reason: string;
  eventId: string;
}

export type EventScope =
  | AccountScope
  | VpcScope
  | EndpointScope
  | ConnectionsScope
  | OrganizationScope
  | AccountReconcileScope
  | IgnoredEvent;
