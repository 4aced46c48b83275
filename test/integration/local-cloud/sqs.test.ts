/**
 * The local cloud's SQS API over HTTP with the real SDK: the local bus's hub queues under their AWS names, their
 * dead-letter queues readable, and SQS's message move task redriving dead letters into the queue they came from.
 */
import {
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListDeadLetterSourceQueuesCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  QueueDoesNotExist,
  ReceiveMessageCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
  DeleteMessageCommand,
} from '@aws-sdk/client-sqs';
import { createMember, type Member } from '../support/accounts';
import { startControlPlaneFixture, type ControlPlaneFixture } from '../support/control-plane-fixture';
import { sampleEvent } from '../support/events';

let fx: ControlPlaneFixture;
let sender: Promise<Member> | undefined;
/** One member sends every malformed tag change: its dead letters are one message group of the FIFO queue. */
const malformedSender = () => (sender ??= createMember(fx, 'malformed-sender'));
let sqs: SQSClient;
/** The VPC onboarding queue is FIFO (a message group per account): its names end in .fifo. */
const SOURCE = 'EgressProxy-vpc-onboarding.fifo';
const DEAD_LETTERS = 'EgressProxy-vpc-onboarding-dead-letters.fifo';
const INTAKE = 'EgressProxy-vpc-onboarding-intake';
const INTAKE_DEAD_LETTERS = 'EgressProxy-vpc-onboarding-intake-dead-letters';

beforeAll(async () => {
  fx = await startControlPlaneFixture();
  sqs = new SQSClient({ endpoint: fx.cp.cloud.url, region: fx.cp.region, credentials: { accessKeyId: fx.cp.cloud.world.hubAccountId, secretAccessKey: 'local' } });
});

afterAll(async () => {
  sqs?.destroy();
  await fx?.stop();
});

/** A malformed tag event, retried until the bus dead-letters it; returns its SQS message id. */
async function deadLetteredTagEvent(): Promise<string> {
  return (await deadLetteredTagEventOf()).messageId;
}

async function deadLetteredTagEventOf(): Promise<{ messageId: string; account: string }> {
  const event = sampleEvent('tags/malformed-vpc-tag-no-resources');
  // The hub bus admits tag changes from members only.
  event.account = (await malformedSender()).accountId;
  expect(fx.putOnHubBus(event)).toBeUndefined();
  await fx.until('the malformed event is dead-lettered', () => fx.cp.bus.deadLetters('vpc-onboarding').some((letter) => letter.body.includes(event.id)));
  return { messageId: fx.cp.bus.deadLetters('vpc-onboarding').find((letter) => letter.body.includes(event.id))?.messageId ?? '', account: event.account };
}

const urlOf = async (name: string) => (await sqs.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl ?? '';

describe('the local cloud SQS API', () => {
  it('lists each hub queue and its dead-letter queue under the deployment prefix, on the cloud\u2019s own host', async () => {
    // Act
    const { QueueUrls = [] } = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'EgressProxy-' }));

    // Assess
    const hubAccountId = fx.cp.cloud.world.hubAccountId;
    expect(QueueUrls).toContain(`${fx.cp.cloud.url}/${hubAccountId}/${SOURCE}`);
    expect(QueueUrls).toContain(`${fx.cp.cloud.url}/${hubAccountId}/${DEAD_LETTERS}`);
    // The grouped queue's standard intake, which its rule delivers to, and the intake's own dead-letter queue.
    expect(QueueUrls).toContain(`${fx.cp.cloud.url}/${hubAccountId}/${INTAKE}`);
    expect(QueueUrls).toContain(`${fx.cp.cloud.url}/${hubAccountId}/${INTAKE_DEAD_LETTERS}`);
    expect(QueueUrls).toHaveLength(12);
  });

  it('describes a queue with its redrive policy and its dead-letter queue with its count', async () => {
    // Prepare
    const messageId = await deadLetteredTagEvent();

    // Act
    const source = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(SOURCE), AttributeNames: ['All'] }));
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(DEAD_LETTERS), AttributeNames: ['ApproximateNumberOfMessages', 'QueueArn'] }));
    const sources = await sqs.send(new ListDeadLetterSourceQueuesCommand({ QueueUrl: await urlOf(DEAD_LETTERS) }));

    // Assess
    expect(messageId).not.toBe('');
    expect(JSON.parse(source.Attributes?.RedrivePolicy ?? '{}')).toEqual({ deadLetterTargetArn: dlq.Attributes?.QueueArn, maxReceiveCount: 3 });
    expect(Number(dlq.Attributes?.ApproximateNumberOfMessages)).toBe(fx.cp.bus.deadLetters('vpc-onboarding').length);
    expect(sources.queueUrls).toEqual([await urlOf(SOURCE)]);
  });

  it('reads dead letters with their attributes; a visibility timeout of 0 leaves them visible', async () => {
    // Prepare
    const messageId = await deadLetteredTagEvent();
    const QueueUrl = await urlOf(DEAD_LETTERS);

    // Act
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }));
    const again = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));

    // Assess
    const read = first.Messages?.find((m) => m.MessageId === messageId);
    expect(read?.Body).toBe(fx.cp.bus.deadLetters('vpc-onboarding').find((l) => l.messageId === messageId)?.body);
    expect(Number(read?.Attributes?.ApproximateReceiveCount)).toBe(4);
    expect(read?.Attributes?.DeadLetterQueueSourceArn).toMatch(/:EgressProxy-vpc-onboarding\.fifo$/);
    expect(again.Messages?.map((m) => m.MessageId)).toContain(messageId);
  });

  it('redrives with a message move task: the message is delivered again, and dead-lettered again as it is still malformed', async () => {
    // Prepare
    const messageId = await deadLetteredTagEvent();
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(DEAD_LETTERS), AttributeNames: ['QueueArn'] }));
    const deliveredBefore = fx.cp.bus.stats().queues['vpc-onboarding'].delivered;

    // Act
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes?.QueueArn }));
    await fx.until('the move task completes', async () => {
      const { Results = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: Attributes?.QueueArn }));
      return Results[0]?.Status === 'COMPLETED';
    });
    await fx.until('the message is dead-lettered again', () => fx.cp.bus.deadLetters('vpc-onboarding').some((l) => l.messageId === messageId));

    // Assess: three more deliveries of the same message, then back in the dead-letter list
    expect(TaskHandle).toEqual(expect.any(String));
    const { Results: [task] = [] } = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: Attributes?.QueueArn }));
    expect(task).toMatchObject({ Status: 'COMPLETED', DestinationArn: expect.stringMatching(/:EgressProxy-vpc-onboarding\.fifo$/) as unknown });
    expect(task?.ApproximateNumberOfMessagesMoved).toBeGreaterThanOrEqual(1);
    expect(fx.cp.bus.stats().queues['vpc-onboarding'].delivered - deliveredBefore).toBeGreaterThanOrEqual(3);
  });

  it('deletes a dead letter by its receipt handle', async () => {
    // Prepare
    const messageId = await deadLetteredTagEvent();
    const QueueUrl = await urlOf(DEAD_LETTERS);
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 30 }));
    const received = Messages.find((m) => m.MessageId === messageId);

    // Act
    await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: received?.ReceiptHandle }));

    // Assess
    expect(fx.cp.bus.deadLetters('vpc-onboarding').some((l) => l.messageId === messageId)).toBe(false);
  });

  it('refuses what SQS refuses: an unknown queue, a receive from a queue the bus consumes, a move from a queue that is no dead-letter queue', async () => {
    // Act
    const unknown = sqs.send(new GetQueueUrlCommand({ QueueName: 'EgressProxy-nope' }));
    const fromSource = sqs.send(new ReceiveMessageCommand({ QueueUrl: await urlOf(SOURCE) }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(SOURCE), AttributeNames: ['QueueArn'] }));
    const moveFromSource = sqs.send(new StartMessageMoveTaskCommand({ SourceArn: Attributes?.QueueArn }));

    // Assess
    await expect(unknown).rejects.toBeInstanceOf(QueueDoesNotExist);
    await expect(fromSource).rejects.toMatchObject({ name: 'UnsupportedOperation' });
    await expect(moveFromSource).rejects.toMatchObject({ name: 'UnsupportedOperation', message: 'Source queue must be configured as a Dead Letter Queue.' });
  });

  it("serves the intake's dead letters: a message the pipe could not read, in the intake's own dead-letter queue", async () => {
    // Prepare: nothing on the hub bus sends such a body; a message put on the intake by hand does.
    fx.cp.bus.intake('vpc-onboarding')?.send('not an event', 'AIDAHANDMADE');
    await fx.until('the pipe gives up on it', () => fx.cp.bus.deadLetters('vpc-onboarding').some((letter) => letter.queue === 'vpc-onboarding-intake'));

    // Act
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: await urlOf(INTAKE_DEAD_LETTERS), MaxNumberOfMessages: 10, VisibilityTimeout: 0, MessageSystemAttributeNames: ['All'] }));
    const intake = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(INTAKE), AttributeNames: ['All'] }));

    // Assess
    expect(Messages.map((m) => m.Body)).toEqual(['not an event']);
    expect(Messages[0]?.Attributes?.DeadLetterQueueSourceArn).toMatch(/:EgressProxy-vpc-onboarding-intake$/);
    expect(intake.Attributes).not.toHaveProperty('FifoQueue');
  });

  it('says the grouped queue and its dead-letter queue are FIFO, and reads one message group at a time, as SQS does', async () => {
    // Prepare: two more dead letters of one account (one message group).
    const first = await deadLetteredTagEventOf();
    await deadLetteredTagEventOf();
    const QueueUrl = await urlOf(DEAD_LETTERS);

    // Act
    const source = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: await urlOf(SOURCE), AttributeNames: ['All'] }));
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['FifoQueue', 'DeduplicationScope'] }));
    const read = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 1, VisibilityTimeout: 30, MessageSystemAttributeNames: ['All'] }));
    const whileRead = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0 }));

    // Assess
    expect(source.Attributes).toMatchObject({ FifoQueue: 'true', ContentBasedDeduplication: 'false', DeduplicationScope: 'messageGroup', FifoThroughputLimit: 'perMessageGroupId' });
    expect(dlq.Attributes).toEqual({ FifoQueue: 'true', DeduplicationScope: 'queue' });
    // SQS gives a dead letter of a FIFO queue its message id as the deduplication id, and its own sequence number.
    const [message] = read.Messages ?? [];
    expect(message?.Attributes).toMatchObject({
      MessageGroupId: first.account,
      MessageDeduplicationId: message?.MessageId,
      SequenceNumber: expect.stringMatching(/^\d{20}$/) as unknown,
    });
    // One message of the group is being read: the group gives nothing more (a standard queue would give the others).
    expect(whileRead.Messages ?? []).toEqual([]);
  });

  it('shows another account nothing', async () => {
    // Prepare
    const other = new SQSClient({ endpoint: fx.cp.cloud.url, region: fx.cp.region, credentials: { accessKeyId: '123456789012', secretAccessKey: 'local' } });

    try {
      // Act
      const { QueueUrls } = await other.send(new ListQueuesCommand({}));
      const byName = other.send(new GetQueueUrlCommand({ QueueName: DEAD_LETTERS, QueueOwnerAWSAccountId: fx.cp.cloud.world.hubAccountId }));

      // Assess
      expect(QueueUrls).toBeUndefined();
      await expect(byName).rejects.toBeInstanceOf(QueueDoesNotExist);
    } finally {
      other.destroy();
    }
  });
});
