import { Duration, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as pipes from 'aws-cdk-lib/aws-pipes';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { intakeDeadLetterQueuePhysicalName, intakeQueuePhysicalName } from '../../events/queue-names';
import type { MessageGroups, QueueName } from '../../events/routes';

export interface GroupingIntakeProps {
  /** The FIFO queue the pipe feeds. */
  readonly target: sqs.IQueue;
  /** The grouped queue's name in events/routes.ts: the intake, its dead-letter queue and the pipe are named after it. */
  readonly queue: QueueName;
  readonly messageGroups: MessageGroups;
  /** Prefixes the names, as the other hub queues' (events/queue-names.ts). */
  readonly deploymentName: string;
}

/**
 * What an EventBridge rule cannot do, a pipe does: the rule delivers to this standard intake queue, and the pipe
 * moves each message to the FIFO target with its message group and deduplication ids read from the event (Pipes'
 * dynamic path parameters on the SQS message's JSON body) and the event itself as the body's `event` field (the
 * input template, events/piped-event.ts). A message the pipe cannot deliver returns to the intake and, after the
 * intake's receives, lands in the intake's dead-letter queue. local/bus/local-pipe.ts runs the same pipe locally.
 */
export class GroupingIntake extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly pipe: pipes.CfnPipe;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: GroupingIntakeProps) {
    super(scope, id);
    const { intake } = props.messageGroups;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetters', {
      queueName: intakeDeadLetterQueuePhysicalName(props.deploymentName, props.queue),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: intakeQueuePhysicalName(props.deploymentName, props.queue),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(intake.visibilityTimeoutSeconds),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: intake.maxReceiveCount },
    });
    this.role = new iam.Role(this, 'PipeRole', {
      description: 'Lets the pipe move tag-change messages from the intake queue to the grouped FIFO queue',
      assumedBy: new iam.ServicePrincipal('pipes.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    });
    // Exactly what the Pipes user guide lists for an SQS source, and SendMessage on the target; both queues use
    // SQS-managed encryption, so no key grants.
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes'],
        resources: [this.queue.queueArn],
      }),
    );
    this.role.addToPolicy(new iam.PolicyStatement({ actions: ['sqs:SendMessage'], resources: [props.target.queueArn] }));
    this.pipe = new pipes.CfnPipe(this, 'Pipe', {
      // The intake's name: the pipe reads it (at most 30 + 22 characters of the 64 a pipe's name may have).
      name: intakeQueuePhysicalName(props.deploymentName, props.queue),
      description: 'Sets each message group from the event, so one sender holds one invocation of the consumer at a time',
      roleArn: this.role.roleArn,
      source: this.queue.queueArn,
      sourceParameters: { sqsQueueParameters: { batchSize: intake.batchSize } },
      target: props.target.queueArn,
      targetParameters: {
        inputTemplate: props.messageGroups.inputTemplate,
        sqsQueueParameters: { messageGroupId: props.messageGroups.groupIdPath, messageDeduplicationId: props.messageGroups.deduplicationIdPath },
      },
    });
    // The pipe checks its role's permissions when it starts: the policy must exist first.
    this.pipe.node.addDependency(this.role);
  }
}
