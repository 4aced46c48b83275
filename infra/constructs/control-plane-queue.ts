import { Duration } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deadLetterQueuePhysicalName, queuePhysicalName } from '../../events/queue-names';
import type { QueueDefinition } from '../../events/routes';

export interface ControlPlaneQueueProps {
  readonly definition: QueueDefinition;
  /** Prefixes both queues' names, so `egress dead-letters` finds them and a second deployment gets its own. */
  readonly deploymentName: string;
}

/**
 * One function's input queue and its dead-letter queue, named after the deployment (events/queue-names.ts). SQS-managed encryption rather than a customer key: both
 * EventBridge and SNS deliver to it without key-policy grants, and nothing outside the hub reads these messages.
 */
export class ControlPlaneQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: ControlPlaneQueueProps) {
    super(scope, id);
    const { definition } = props;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: deadLetterQueuePhysicalName(props.deploymentName, definition.name),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      // The maximum: a poisoned event stays inspectable for two weeks.
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: queuePhysicalName(props.deploymentName, definition.name),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(definition.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: definition.maxReceiveCount },
    });
  }
}
