/**
 * The event topology the CDK app deploys and the local bus runs: which bus holds which rule, what each
 * rule matches, where it sends, and how each hub queue batches for its function. One definition, two
 * consumers (infra/ and local/bus/), so they cannot drift.
 */
import {
  accountReconcileRequestedPattern,
  DEFAULT_POLICY_TAG_KEY,
  DEFAULT_PROXY_TAG_KEY,
  endpointCreatedPattern,
  endpointMappingChangedPattern,
  organizationMembershipPattern,
  reconcileContinuationRequestedPattern,
  vpcProxyTagChangePattern,
} from './patterns';
import type { EventPattern } from './pattern-types';
import { PIPED_EVENT_TEMPLATE } from './piped-event';

/** The hub's custom event bus, which the management and spoke forwarding rules target. */
export const HUB_BUS_NAME = 'egress-control-plane';

/**
 * Where a rule lives: the management account's default bus in us-east-1 (Organizations events appear
 * only there), the default bus of every spoke account and region (StackSet), or the hub's custom bus.
 */
export type BusRole = 'management-default' | 'spoke-default' | 'hub';

export type QueueName = 'account-onboarding' | 'vpc-onboarding' | 'connection-acceptance' | 'account-reconcile' | 'mapping-publish';

/** Functions a rule invokes directly (asynchronously), not through a queue. */
export type FunctionTargetName = 'reconciler';

export type RouteTarget = { kind: 'hub-bus' } | { kind: 'queue'; queue: QueueName } | { kind: 'function'; function: FunctionTargetName };

export interface Route {
  /** Stable id: the CDK construct id and the local rule name. */
  readonly id: string;
  readonly bus: BusRole;
  readonly description: string;
  readonly pattern: EventPattern;
  readonly target: RouteTarget;
}

export interface QueueDefinition {
  readonly name: QueueName;
  /** SQS event source BatchSize: how many messages one invocation may receive. */
  readonly batchSize: number;
  /** MaximumBatchingWindowInSeconds: how long to wait to fill a batch. */
  readonly batchingWindowSeconds: number;
  /** Receives before a message moves to the dead-letter queue (redrive policy). */
  readonly maxReceiveCount: number;
  /** How long a received message stays invisible; AWS advises at least 6x the function timeout. */
  readonly visibilityTimeoutSeconds: number;
  /** The function's timeout. */
  readonly functionTimeoutSeconds: number;
  /** ScalingConfig.MaximumConcurrency (minimum 2 in AWS): bounds calls against hub-account rate limits. */
  readonly maxConcurrency: number;
  /** Subscribed (raw delivery off) to the endpoint service's connection-notification SNS topic. */
  readonly subscribesToConnectionNotifications: boolean;
  /**
   * Set for a FIFO queue whose message groups keep one sender to one batch in flight at a time (Lambda processes a
   * message group's batches one after another). EventBridge rules cannot set a message group per event, so the rule
   * targets a standard intake queue, and an EventBridge Pipe moves each message here with its group and
   * deduplication ids read from the event (Pipes' dynamic path parameters on the SQS message's JSON body).
   */
  readonly messageGroups?: MessageGroups;
}

export interface MessageGroups {
  /** JSON path of the message group id, e.g. `$.body.account`: the sender's account. */
  readonly groupIdPath: string;
  /**
   * JSON path of the deduplication id, e.g. `$.body.id`: EventBridge's duplicates of one event count once. The queue
   * deduplicates per message group (high-throughput FIFO), over SQS's five-minute interval.
   */
  readonly deduplicationIdPath: string;
  /** The pipe's input template: what the FIFO message's body is (events/piped-event.ts). */
  readonly inputTemplate: string;
  /** The standard queue the rule delivers to and the pipe reads. */
  readonly intake: IntakeDefinition;
}

export interface IntakeDefinition {
  /** The pipe's SQS source BatchSize (no batching window: it only forwards). */
  readonly batchSize: number;
  /** The pipe only forwards, one SendMessage per record: a minute is ample. */
  readonly visibilityTimeoutSeconds: number;
  /** Receives before a message the pipe cannot deliver moves to the intake's dead-letter queue. */
  readonly maxReceiveCount: number;
}

/**
 * Batch sizes favour one hub-side call for many events: account onboarding batches principals into one
 * ModifyVpcEndpointServicePermissions; acceptance batches endpoint ids into one Accept call (a 10-token
 * bucket refilling at 1/s): 100 ids, the most one Accept call of ours carries, so a fan-out rollout's n hand-offs
 * make about ceil(n/100) calls when a batch holds the messages of ~100 endpoints (see its queue below). VPC
 * onboarding works in spoke accounts, so smaller batches spread retries.
 *
 * Account reconcile (the reconciler's fan-out) works one account's VPCs after another at the spoke's
 * CreateVpcEndpoint pace (0.3/s), so a batch may run for minutes: the function gets Lambda's 15-minute maximum.
 * Its concurrency bound keeps AssumeRole calls (one per account per invocation) and the hub-side hand-offs modest:
 * 50 invocations x 5 accounts = at most 250 accounts in flight, each assumed once for its whole pass.
 */
export const QUEUES: Readonly<Record<QueueName, QueueDefinition>> = {
  'account-onboarding': {
    name: 'account-onboarding',
    batchSize: 10,
    batchingWindowSeconds: 5,
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 6 * 60,
    functionTimeoutSeconds: 60,
    maxConcurrency: 2,
    subscribesToConnectionNotifications: false,
  },
  // Fairness between spokes: one message group per account, so a member flooding tag changes holds at most one of
  // the ten invocations (its own batches run one after another, paced by its own API buckets anyway) and every other
  // account's events are picked up by the others. Groups cost no shared state of ours: SQS keeps them. Within a
  // batch the handler coalesces each VPC's events into one convergence (level-triggered, so that is safe) and starts
  // every account's first VPC before anyone's second. A FIFO batch is at most 10 messages, without a window.
  'vpc-onboarding': {
    name: 'vpc-onboarding',
    batchSize: 10,
    batchingWindowSeconds: 0,
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 6 * 120,
    functionTimeoutSeconds: 120,
    maxConcurrency: 10,
    subscribesToConnectionNotifications: false,
    messageGroups: {
      groupIdPath: '$.body.account',
      deduplicationIdPath: '$.body.id',
      inputTemplate: PIPED_EVENT_TEMPLATE,
      intake: { batchSize: 10, visibilityTimeoutSeconds: 60, maxReceiveCount: 3 },
    },
  },
  // Each endpoint the control plane creates brings two or three messages: its hand-off, the service's Connect
  // notification (the only connection event subscribed: events/connection-events.ts), and that notification's
  // deferred copy (handlers/connection-acceptance.ts). Accept calls are the scarce resource (the hub's bucket, 1/s,
  // shared by both environments), and each carries up to 100 ids of one batch, so every batch ends in a part-empty
  // call: at 400 messages (~170 endpoints) 42 calls for 3,000 endpoints; at 1,000 (~400 endpoints) 333 calls for
  // 30,000 (10,000 x 3, ~30 s over the 300 calls' floor). 3,000 messages (~1,200 endpoints, twelve calls) leave a
  // third as many part-empty calls. Lambda allows up to 10,000 from a standard queue with a window, and cuts a batch
  // at its 6 MB payload: 3,000 records of SNS envelopes and hand-offs are ~5 MB. A batch's Accept calls then take
  // ~24 s of this environment's share, within the 120 s timeout with the adaptive retries' minute besides.
  'connection-acceptance': {
    name: 'connection-acceptance',
    batchSize: 3000,
    batchingWindowSeconds: 5,
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 6 * 120,
    // A full batch's Accept calls wait ~2 s each for this environment's share of the bucket (~10 s), and the hub
    // client's adaptive retries (up to ~1 minute) must fit besides: at 60 s a batch of 400 timed out at 1,000 accounts.
    functionTimeoutSeconds: 120,
    maxConcurrency: 2,
    subscribesToConnectionNotifications: true,
  },
  'account-reconcile': {
    name: 'account-reconcile',
    batchSize: 5,
    batchingWindowSeconds: 1,
    maxReceiveCount: 3,
    visibilityTimeoutSeconds: 6 * 900,
    functionTimeoutSeconds: 900,
    maxConcurrency: 50,
    subscribesToConnectionNotifications: false,
  },
  // Every message says only "recompile": a batch of any size is one compile of the whole mapping. The short window
  // coalesces a burst (a rollout writes thousands of shards) while keeping a tag change's way to the fleet short;
  // two at once at most, and the compile's conditional write keeps them from overwriting each other.
  'mapping-publish': {
    name: 'mapping-publish',
    batchSize: 1000,
    batchingWindowSeconds: 2,
    maxReceiveCount: 5,
    visibilityTimeoutSeconds: 6 * 120,
    functionTimeoutSeconds: 120,
    maxConcurrency: 2,
    subscribesToConnectionNotifications: false,
  },
};

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];

export interface ScheduleDefinition {
  readonly id: string;
  readonly description: string;
  /** An EventBridge schedule expression. */
  readonly expression: string;
}

/** The reconciler repairs what best-effort events lost; tag events may be dropped, so it runs often. */
export const RECONCILER_SCHEDULE: ScheduleDefinition = {
  id: 'reconcile-organization',
  description: 'Converge the whole organization to the desired state and repair drift',
  expression: 'rate(1 hour)',
};

/**
 * The mapping publisher also runs on a schedule: the trigger events are best effort (a lost PutEvents, a shard
 * written by hand), and a compile that finds nothing new costs a LIST and a 304.
 */
export const MAPPING_PUBLISH_SCHEDULE: ScheduleDefinition = {
  id: 'publish-endpoint-mapping',
  description: 'Recompile the endpoint-to-policy mapping the Squid fleet reads, repairing any lost trigger',
  expression: 'rate(5 minutes)',
};

/** The accounts whose events the hub rules take: each kind of event is matched only from the account it must come from. */
export interface RouteAccounts {
  /** The hub account: the only sender of the control plane's own events. */
  readonly hub: string;
  /** The management account: the only sender of Organizations events. */
  readonly management: string;
}

export interface RouteOptions {
  readonly accounts: RouteAccounts;
  /** The VPC tag key that asks for the proxy. @default 'egress-proxy' */
  readonly proxyTagKey?: string;
  /** The VPC tag key that chooses named egress policies. @default 'egress-proxy-policy' */
  readonly policyTagKey?: string;
}

export function buildRoutes(options: RouteOptions): Route[] {
  const proxyTagKey = options.proxyTagKey ?? DEFAULT_PROXY_TAG_KEY;
  const policyTagKey = options.policyTagKey ?? DEFAULT_POLICY_TAG_KEY;
  const { hub, management } = options.accounts;
  return [
    {
      id: 'ForwardOrganizationMembershipEvents',
      bus: 'management-default',
      description: 'Forward organization membership changes from the management account to the hub bus',
      pattern: organizationMembershipPattern(management),
      target: { kind: 'hub-bus' },
    },
    {
      id: 'ForwardVpcProxyTagChanges',
      bus: 'spoke-default',
      description: `Forward changes of the ${proxyTagKey} and ${policyTagKey} tags on VPCs to the hub bus`,
      pattern: vpcProxyTagChangePattern(proxyTagKey, policyTagKey),
      target: { kind: 'hub-bus' },
    },
    {
      id: 'OnboardAccounts',
      bus: 'hub',
      description: 'Organization membership changes to the account onboarding queue',
      pattern: organizationMembershipPattern(management),
      target: { kind: 'queue', queue: 'account-onboarding' },
    },
    {
      id: 'OnboardVpcs',
      bus: 'hub',
      description: `Changes of the ${proxyTagKey} and ${policyTagKey} tags on VPCs to the VPC onboarding queue`,
      pattern: vpcProxyTagChangePattern(proxyTagKey, policyTagKey),
      target: { kind: 'queue', queue: 'vpc-onboarding' },
    },
    {
      id: 'AcceptCreatedEndpoints',
      bus: 'hub',
      description: 'Endpoints created by VPC onboarding to the connection acceptance queue',
      pattern: endpointCreatedPattern(hub),
      target: { kind: 'queue', queue: 'connection-acceptance' },
    },
    {
      id: 'ReconcileAccounts',
      bus: 'hub',
      description: "The reconciler's per-account work items to the account reconcile queue",
      pattern: accountReconcileRequestedPattern(hub),
      target: { kind: 'queue', queue: 'account-reconcile' },
    },
    {
      id: 'PublishEndpointMapping',
      bus: 'hub',
      description: 'Account shards of the endpoint-to-policy mapping changed: recompile what the Squid fleet reads',
      pattern: endpointMappingChangedPattern(hub),
      target: { kind: 'queue', queue: 'mapping-publish' },
    },
    {
      id: 'ContinueReconcile',
      bus: 'hub',
      description: 'A fan-out reconcile that ran short of time hands the rest of the organization to a new reconciler invocation',
      pattern: reconcileContinuationRequestedPattern(hub),
      target: { kind: 'function', function: 'reconciler' },
    },
  ];
}

export function routesOn(routes: readonly Route[], bus: BusRole): Route[] {
  return routes.filter((route) => route.bus === bus);
}
