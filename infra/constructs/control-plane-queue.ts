import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueuePhysicalName, queuePhysicalName } from '../../events/queue-names';
import type { QueueDefinition } from '../../events/routes';
import { GroupingIntake } from './grouping-intake';

export interface ControlPlaneQueueProps {
  readonly definition: QueueDefinition;
  /** Prefixes both queues' names, so `egress dead-letters` finds them and a second deployment gets its own. */
  readonly deploymentName: string;
}

/**
 * One function's input queue and its dead-letter queue, named after the deployment (events/queue-names.ts).
 * SQS-managed encryption rather than a customer key: both EventBridge and SNS deliver to it without key-policy
 * grants, and nothing outside the hub reads these messages. A definition with `messageGroups` makes a FIFO queue
 * (`.fifo`; high-throughput mode: deduplication and throughput per message group) behind a grouping intake, which is
 * then what rules deliver to.
 */
export class ControlPlaneQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Only for a grouped queue: the intake queue and pipe in front of it. */
  readonly intake: GroupingIntake | undefined;

  constructor(scope: Construct, id: string, props: ControlPlaneQueueProps) {
    super(scope, id);
    const { definition } = props;
    // A FIFO queue's dead-letter queue must be FIFO too.
    const fifo = definition.messageGroups === undefined ? {} : { fifo: true };
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: deadLetterQueuePhysicalName(props.deploymentName, definition.name),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The maximum: a poisoned event stays inspectable for two weeks.
      retentionPeriod: Duration.days(14),
      ...fifo,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: queuePhysicalName(props.deploymentName, definition.name),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
      ...(definition.messageGroups === undefined
        ? {}
        : { fifo: true, deduplicationScope: sqs.DeduplicationScope.MESSAGE_GROUP, fifoThroughputLimit: sqs.FifoThroughputLimit.PER_MESSAGE_GROUP_ID }),
    });
    this.intake =
      definition.messageGroups === undefined ? undefined : new GroupingIntake(this, 'Intake', {
            target: this.queue,
            queue: definition.name,
            messageGroups: definition.messageGroups,
            deploymentName: props.deploymentName,
          });
  }

  /** Where rules deliver: the intake of a grouped queue, else the queue itself, each with its dead-letter queue. */
  get ruleTarget(): { readonly queue: sqs.IQueue; readonly deadLetterQueue: sqs.IQueue } {
    return this.intake ?? this;
  }
}
