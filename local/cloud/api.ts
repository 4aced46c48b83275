/**
 * The contract between the local cloud (the AWS-wire-compatible emulator) and whatever embeds it:
 * the local event bus and runner, the integration tests, the benchmarks.
 *
 * Everything AWS clients do goes over HTTP; this in-process surface exists only for what AWS itself
 * does out of band: delivering events to a region's default event bus, publishing SNS notifications, and running
 * the code of the Lambda functions it invokes.
 */
import type { Context } from 'aws-lambda';

/** An EventBridge event exactly as AWS delivers it (see ../shared/reference/aws-facts.md). */
export interface CloudEvent {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
}

/** Where the emulator hands what AWS would deliver asynchronously. */
export interface LocalCloudSinks {
  /**
   * An event put on an event bus of `event.account` in `event.region`: AWS service events go to the
   * `default` bus; PutEvents names its bus (name or ARN as the caller gave it).
   */
  onEvent(event: CloudEvent, busName: string): void;
  /** An SNS message published to `topicArn` (endpoint connection notifications). */
  onNotification(topicArn: string, message: string): void;
}

/** A rule, by its bus's account and region and its own name: what EventBridge knows of a delivery's sender. */
export interface RuleAddress {
  readonly accountId: string;
  readonly region: string;
  /** The rule's name (its ARN is built from it, for `aws:SourceArn`). */
  readonly name: string;
}

/**
 * EventBridge's own deliveries between buses, which the local event bus makes: a rule whose target is another bus
 * puts the event there on behalf of the rule's account, so the target bus must exist and its resource policy must
 * admit that account for this event (a source beginning `aws.` is fine here: it is not a customer's PutEvents).
 */
export interface RuleDeliveryAuthority {
  /** Why EventBridge would not deliver `event` from `rule` to the bus `targetBusArn`, or undefined if it delivers. */
  ruleDeliveryRefusal(event: CloudEvent, rule: RuleAddress, targetBusArn: string): string | undefined;
}

/**
 * A Lambda function the local cloud's `lambda` service runs in process when it is invoked over HTTP (Lambda
 * `Invoke`): the same `(event, context) => Promise<result>` shape as a Node.js Lambda handler.
 */
export type LocalFunctionHandler = (event: unknown, context: Context) => Promise<unknown>;

/** A registered function: a bare handler lives in the hub account and region with Lambda's default timeout. */
export type LocalFunction =
  | LocalFunctionHandler
  | {
      readonly handler: LocalFunctionHandler;
      /** Default: the hub account. */
      readonly accountId?: string;
      /** Default: LOCAL_DEFAULTS.hubRegion. */
      readonly region?: string;
      /** What `context.getRemainingTimeInMillis()` counts down from. Default 3, as in Lambda. */
      readonly timeoutSeconds?: number;
    };

/** Well-known names shared by the emulator, the control plane and the CDK app. */
export const LOCAL_DEFAULTS = {
  port: 4566,
  managementAccountId: '111111111111',
  hubAccountId: '222222222222',
  hubRegion: 'eu-west-2',
  /** Organizations is a global service homed in us-east-1; its events arrive there. */
  organizationsRegion: 'us-east-1',
  /** The role every spoke account's baseline carries (deployed by a StackSet in AWS). */
  spokeRoleName: 'EgressProxySpokeRole',
  /** The control plane's execution role in the hub; the only principal the spoke role trusts. */
  controlPlaneRoleName: 'EgressControlPlaneRole',
  /** A role in the management account that lets the control plane read the organization. */
  organizationsReadRoleName: 'EgressOrganizationsReadRole',
} as const;

/**
 * A message attribute as SQS keeps it: its data type (`String`, `Number` or `Binary`, maybe with a custom label such as
 * `Number.float`) and its value: a string for String and Number, base64 bytes for Binary (as the JSON protocol and the
 * Lambda record carry them).
 */
export interface SqsMessageAttribute {
  readonly dataType: string;
  readonly stringValue?: string;
  readonly binaryValue?: string;
}

export type SqsMessageAttributes = Readonly<Record<string, SqsMessageAttribute>>;

/** A message of a hosted queue's dead-letter list. */
export interface HostedDeadLetter {
  readonly messageId: string;
  readonly body: string;
  readonly senderId: string;
  readonly sentTimestamp: number;
  /** The attributes it was sent with (SendMessage's MessageAttributes); absent when it had none. */
  readonly messageAttributes?: SqsMessageAttributes;
  /** How often the source queue delivered it before it was dead-lettered. */
  readonly receiveCount: number;
  /** A FIFO dead-letter queue's message: its group, deduplication id and sequence number there. */
  readonly fifo?: { readonly groupId: string; readonly deduplicationId: string; readonly sequenceNumber: number };
}

/**
 * A queue whose messages another component holds and consumes (the local bus's hub queues, which run the handlers
 * as Lambda's event source mapping would). The local cloud's SQS API exposes it, with its dead-letter queue, so
 * SQS clients can see its depth, read its dead letters and redrive them.
 */
export interface HostedQueue {
  readonly maxReceiveCount: number;
  /** A FIFO queue (its dead-letter queue is FIFO too): `.fifo` names, FIFO attributes, one message group at a time. */
  readonly fifo?: boolean;
  /**
   * Messages waiting (ApproximateNumberOfMessages), being handled or waiting to be retried (...NotVisible), and sent
   * with a DelaySeconds timer still running (...Delayed).
   */
  depth(): { readonly visible: number; readonly notVisible: number; readonly delayed?: number };
  /**
   * SendMessage onto the queue: visible to its consumer after `delaySeconds` of emulated time, with its message
   * attributes (validated by the SQS module). Standard queues only (the SQS module refuses FIFO ones). Returns the
   * message id.
   */
  send(body: string, senderId: string, delaySeconds: number, attributes?: SqsMessageAttributes): string;
  deadLetters(): readonly HostedDeadLetter[];
  /** Deletes one dead letter; false when it is not there (any more). */
  deleteDeadLetter(messageId: string): boolean;
  /** Moves these dead letters back to the queue, where they are delivered again; returns how many moved. */
  redrive(messageIds: readonly string[]): number;
}

export interface HostedQueueDefinition {
  readonly queue: HostedQueue;
  /** The name its dead-letter queue is known by. */
  readonly deadLetterQueueName: string;
  /** Default: the hub account. */
  readonly accountId?: string;
  /** Default: LOCAL_DEFAULTS.hubRegion. */
  readonly region?: string;
}
