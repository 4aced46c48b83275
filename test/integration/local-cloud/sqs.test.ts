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
  SendMessageCommand,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { sample } from '../../../events/samples';
import type { SqsConsumer } from '../../../local/bus';
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

  describe('SendMessage', () => {
    /** The standard queue acceptance defers notifications to; the sample names an endpoint that does not exist (a no-op). */
    const ACCEPTANCE = 'EgressProxy-connection-acceptance';
    const notification = JSON.stringify(sample('sns/connection-notification'));

    /**
     * Runs `act` with acceptance's consumer wrapped: every record it is handed is kept, and those `fail` picks are
     * reported failed (the rest go to the real handler). The real consumer is back afterwards.
     */
    async function withRecordingConsumer(fail: (record: SQSRecord) => boolean, act: (records: SQSRecord[]) => Promise<void>): Promise<void> {
      const { handler } = (await import('../../../functions/connection-acceptance')) as { handler: SqsConsumer };
      const records: SQSRecord[] = [];
      fx.cp.bus.setConsumer('connection-acceptance', async (event, context) => {
        records.push(...event.Records);
        const failed = event.Records.filter(fail).map((record) => ({ itemIdentifier: record.messageId }));
        const others = event.Records.filter((record) => !fail(record));
        if (others.length > 0) await handler({ Records: others }, context);
        return { batchItemFailures: failed };
      });
      try {
        await act(records);
      } finally {
        fx.cp.bus.setConsumer('connection-acceptance', handler);
      }
    }

    it('holds a message with DelaySeconds back from the consumer until its timer runs out (emulated seconds)', async () => {
      // Prepare
      const url = await urlOf(ACCEPTANCE);
      const delivered = fx.cp.bus.stats().queues['connection-acceptance'].delivered;

      // Act: the SDK checks MD5OfMessageBody against the body it sent.
      const sent = await sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: notification, DelaySeconds: 20 }));
      const whileDelayed = fx.cp.bus.stats().queues['connection-acceptance'];
      const attributes = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessagesDelayed'] }));

      // Assess
      expect(sent.MessageId).toMatch(/^[0-9a-f-]{36}$/);
      expect(whileDelayed).toMatchObject({ timed: 1, delivered });
      expect(attributes.Attributes).toEqual({ ApproximateNumberOfMessagesDelayed: '1' });
      await fx.until('the delayed message is delivered', () => fx.cp.bus.stats().queues['connection-acceptance'].delivered > delivered);
      expect(fx.cp.bus.stats().queues['connection-acceptance'].timed).toBe(0);
    });

    it("stamps SentTimestamp on the cloud's emulated clock, which runs ahead of the wall clock", async () => {
      await withRecordingConsumer(
        () => false,
        async (records) => {
          // Prepare: at time scale 50 the emulated clock gains 49 ms on the wall clock each wall ms since the start.
          const emulatedBefore = fx.cp.cloud.world.clock.now();

          // Act
          const sent = await sqs.send(new SendMessageCommand({ QueueUrl: await urlOf(ACCEPTANCE), MessageBody: notification }));
          await fx.until('the message is delivered', () => records.some((record) => record.messageId === sent.MessageId));

          // Assess: comparable with the cloud's timestamps (a connection's CreationTimestamp); a wall-clock stamp would
          // fall far behind the emulated reading taken before the send.
          const attributes = records.find((record) => record.messageId === sent.MessageId)?.attributes;
          expect(Number(attributes?.SentTimestamp)).toBeGreaterThanOrEqual(emulatedBefore);
          expect(Number(attributes?.ApproximateFirstReceiveTimestamp)).toBeGreaterThanOrEqual(Number(attributes?.SentTimestamp));
        },
      );
    });

    it("refuses what SQS refuses, in SQS's words", async () => {
      // Prepare
      const url = await urlOf(ACCEPTANCE);
      const send = (input: { MessageBody: string; DelaySeconds?: number; QueueUrl?: string }) => sqs.send(new SendMessageCommand({ QueueUrl: url, ...input }));

      // Act
      const tooLate = send({ MessageBody: notification, DelaySeconds: 901 });
      const negative = send({ MessageBody: notification, DelaySeconds: -1 });
      const empty = send({ MessageBody: '' });
      const control = send({ MessageBody: 'a\u0000b' });
      const tooLarge = send({ MessageBody: 'x'.repeat(1_048_577) });
      const toFifo = send({ MessageBody: notification, QueueUrl: await urlOf(SOURCE) });

      // Assess
      await expect(tooLate).rejects.toMatchObject({
        name: 'InvalidParameterValue',
        message: 'Value 901 for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.',
        $metadata: { httpStatusCode: 400 },
      });
      await expect(negative).rejects.toMatchObject({ name: 'InvalidParameterValue' });
      await expect(empty).rejects.toMatchObject({ name: 'MissingParameter', message: 'The request must contain the parameter MessageBody.' });
      await expect(control).rejects.toMatchObject({ name: 'InvalidMessageContents', message: expect.stringContaining("'#x0'") as unknown });
      await expect(tooLarge).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('Message must be shorter than 1048576 bytes') as unknown });
      await expect(toFifo).rejects.toMatchObject({ name: 'UnsupportedOperation' });
      expect(fx.cp.bus.stats().queues['connection-acceptance'].timed).toBe(0);
    });

    describe('with message attributes', () => {
      /**
       * A String, a Number with a custom label and a Binary attribute, and the MD5OfMessageAttributes SQS gives them
       * (the example of the aws-md5-of-message-attributes package; the digest is checked against the AWS SDK for
       * Ruby's own vectors in test/unit/bus/sqs-shapes.test.ts).
       */
      const ATTRIBUTES: Record<string, MessageAttributeValue> = {
        attribName1: { DataType: 'String', StringValue: 'attribValue 1' },
        customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
        binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!') },
      };
      const ATTRIBUTES_MD5 = 'c932db14a896c663f83c260297d594ff';

      it("hands them to the consumer in the shape of Lambda's SQS record, and answers with SQS's digest of them", async () => {
        await withRecordingConsumer(
          () => false,
          async (records) => {
            // Act: the SDK checks MD5OfMessageBody (not the attributes' digest: asserted below).
            const sent = await sqs.send(new SendMessageCommand({ QueueUrl: await urlOf(ACCEPTANCE), MessageBody: notification, MessageAttributes: ATTRIBUTES }));
            await fx.until('the message is delivered', () => records.some((record) => record.messageId === sent.MessageId));

            // Assess
            expect(sent.MD5OfMessageAttributes).toBe(ATTRIBUTES_MD5);
            const record = records.find((r) => r.messageId === sent.MessageId);
            expect(record?.messageAttributes).toEqual({
              attribName1: { stringValue: 'attribValue 1', stringListValues: [], binaryListValues: [], dataType: 'String' },
              customNumberTypeAttrib: { stringValue: '4563442423554324324264524243.32543234', stringListValues: [], binaryListValues: [], dataType: 'Number.float' },
              binaryAttribute: { binaryValue: Buffer.from('Hello binary world!').toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
            });
            expect(record?.md5OfMessageAttributes).toBe(ATTRIBUTES_MD5);
          },
        );
      });

      it('keeps them on a dead letter, and ReceiveMessage returns those MessageAttributeNames asks for', async () => {
        const marker = 'attributed message that always fails';
        await withRecordingConsumer(
          (record) => record.body === marker,
          async () => {
            // Prepare
            const sent = await sqs.send(
              new SendMessageCommand({
                QueueUrl: await urlOf(ACCEPTANCE),
                MessageBody: marker,
                MessageAttributes: { ...ATTRIBUTES, 'trace.id': { DataType: 'String', StringValue: 'abc' }, 'trace.hop': { DataType: 'Number', StringValue: '2' } },
              }),
            );
            await fx.until('the message is dead-lettered', () => fx.cp.bus.deadLetters('connection-acceptance').some((letter) => letter.messageId === sent.MessageId));
            const QueueUrl = await urlOf(`${ACCEPTANCE}-dead-letters`);
            const receive = async (MessageAttributeNames?: string[]) => {
              const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, ...(MessageAttributeNames ? { MessageAttributeNames } : {}) }));
              return Messages.find((message) => message.MessageId === sent.MessageId);
            };

            // Act
            const all = await receive(['All']);
            const traced = await receive(['trace.*']);
            const one = await receive(['attribName1', 'absent']);
            const none = await receive();

            // Assess
            expect(Object.keys(all?.MessageAttributes ?? {}).sort()).toEqual(['attribName1', 'binaryAttribute', 'customNumberTypeAttrib', 'trace.hop', 'trace.id']);
            expect(all?.MessageAttributes?.binaryAttribute).toEqual({ DataType: 'Binary', BinaryValue: new Uint8Array(Buffer.from('Hello binary world!')) });
            expect(traced?.MessageAttributes).toEqual({ 'trace.id': { DataType: 'String', StringValue: 'abc' }, 'trace.hop': { DataType: 'Number', StringValue: '2' } });
            // The digest covers the attributes returned, as the SDKs that check it compute it.
            expect(one).toMatchObject({ MessageAttributes: { attribName1: ATTRIBUTES.attribName1 }, MD5OfMessageAttributes: '19e27d4e946b072f3f58da80d94fd778' });
            expect(none).not.toHaveProperty('MessageAttributes');
            expect(none).not.toHaveProperty('MD5OfMessageAttributes');
          },
        );
      });

      it("refuses what SQS refuses, in SQS's words", async () => {
        // Prepare
        const url = await urlOf(ACCEPTANCE);
        const sentBefore = fx.cp.bus.stats().queues['connection-acceptance'].sent;
        const send = (MessageAttributes: Record<string, MessageAttributeValue>, MessageBody = notification) => sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody, MessageAttributes }));
        const text = (StringValue: string): MessageAttributeValue => ({ DataType: 'String', StringValue });
        const reserved = "You can't use message attribute names beginning with 'AWS.' or 'Amazon.'. These strings are reserved for internal use. Additionally, they cannot start or end with '.'.";

        // Act
        const eleven = send(Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`a${i}`, text('v')])));
        const refusedNames = ['AWS.trace', 'amazon.trace', 'Amazon.Trace', '.leading', 'trailing.', 'two..periods', 'has space', 'n'.repeat(257)].map((name) => send({ [name]: text('v') }));
        const longestName = send({ ['n'.repeat(256)]: text('v') });
        const notANumber = send({ count: { DataType: 'Number', StringValue: 'twelve' } });
        const emptyString = send({ note: text('') });
        const unknownType = send({ note: { DataType: 'Text', StringValue: 'v' } });
        const listValues = send({ note: { DataType: 'String', StringListValues: ['a'] } });
        const systemAttributes = sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: notification, MessageSystemAttributes: { AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' } } }));
        // The body fits alone; with the attribute's name, type and value it is one byte over.
        const tooLarge = send({ n: text('v') }, 'x'.repeat(1_048_576 - 'n'.length - 'String'.length));

        // Assess
        await expect(eleven).rejects.toMatchObject({ name: 'InvalidParameterValue', message: 'Number of message attributes [11] exceeds the allowed maximum [10].', $metadata: { httpStatusCode: 400 } });
        const [awsPrefix, amazonPrefix, casedPrefix, leading, trailing, periods, space, tooLong] = refusedNames;
        for (const refused of [awsPrefix, amazonPrefix, casedPrefix, leading, trailing]) await expect(refused).rejects.toMatchObject({ name: 'InvalidParameterValue', message: reserved });
        await expect(periods).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining("successive '.'") as unknown });
        await expect(space).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('name can only contain') as unknown });
        await expect(tooLong).rejects.toMatchObject({ name: 'InvalidParameterValue', message: 'Message (user) attribute names must be shorter than 256 Bytes' });
        await expect(longestName).resolves.toMatchObject({ MessageId: expect.any(String) as unknown });
        await expect(notANumber).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "Can't cast the value of message (user) attribute 'count' to a number." });
        await expect(emptyString).rejects.toMatchObject({ name: 'InvalidParameterValue', message: "Message (user) attribute 'note' must contain a non-empty value of type 'String'." });
        await expect(unknownType).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('supported type prefixes: Binary, Number, String') as unknown });
        await expect(listValues).rejects.toMatchObject({ name: 'UnsupportedOperation', message: 'Message attribute list values in SendMessage operation are not supported.' });
        await expect(systemAttributes).rejects.toMatchObject({ name: 'UnsupportedOperation' });
        await expect(tooLarge).rejects.toMatchObject({ name: 'InvalidParameterValue', message: expect.stringContaining('Message must be shorter than 1048576 bytes') as unknown });
        // Only the longest valid name was sent.
        expect(fx.cp.bus.stats().queues['connection-acceptance'].sent - sentBefore).toBe(1);
      });
    });
  });
});
