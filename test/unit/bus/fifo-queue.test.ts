/**
 * The VPC onboarding queue is FIFO with one message group per sending account (events/routes.ts): one member's flood
 * of tag changes holds one invocation at a time, and everyone else's events are delivered beside it. These tests use
 * the real queue definition through the bus, with consumers that hold their batches until the test lets them go.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { QUEUES } from '../../../events/routes';
import type { CloudEvent } from '../../../local/cloud/api';
import { distinctEvent, fastBus, ManualTimers } from './helpers';

const NOISY = '444444444444';
const QUIET = '555555555555';

/** A tag change of `accountId`'s VPC, forwarded from its default bus as a spoke's rule would. */
function tagChange(accountId: string, vpc = 'vpc-0a1b2c3d4e5f60718', id?: string): CloudEvent {
  const event = distinctEvent('tags/vpc-proxy-tag-added', { account: accountId, resources: [`arn:aws:ec2:eu-west-2:${accountId}:vpc/${vpc}`] });
  return id === undefined ? event : { ...event, id };
}

/** A consumer whose batches wait until released; it records what each batch held and which batches are in flight. */
function holdingConsumer() {
  const batches: SQSRecord[][] = [];
  const waiting: (() => void)[] = [];
  let inFlight = 0;
  let mostInFlight = 0;
  return {
    batches,
    inFlight: () => inFlight,
    mostInFlight: () => mostInFlight,
    releaseAll: () => waiting.splice(0).forEach((release) => release()),
    consumer: (event: SQSEvent): Promise<SQSBatchResponse | void> => {
      batches.push(event.Records);
      inFlight += 1;
      mostInFlight = Math.max(mostInFlight, inFlight);
      return new Promise((resolve) =>
        waiting.push(() => {
          inFlight -= 1;
          resolve();
        }),
      );
    },
  };
}

/** The event in a record of the grouped queue: the pipe puts it under `event` (events/piped-event.ts). */
const eventIn = (record: SQSRecord) => (JSON.parse(record.body) as { event: CloudEvent }).event;
const accountsIn = (batch: SQSRecord[]) => [...new Set(batch.map((record) => eventIn(record).account))];
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the VPC onboarding queue: one message group per account', () => {
  it("keeps a member's flood to one invocation at a time, and delivers another member's event beside it", async () => {
    // Prepare: 60 queued tag changes of one member would fill all ten invocations of a shared standard queue.
    const bus = fastBus();
    const held = holdingConsumer();
    bus.setConsumer('vpc-onboarding', held.consumer);
    for (let i = 0; i < 60; i++) bus.onEvent(tagChange(NOISY, `vpc-0000000000000${String(i).padStart(4, '0')}`), 'default');
    await settle();

    // Act
    bus.onEvent(tagChange(QUIET), 'default');
    await settle();

    // Assess: the flood's first batch is still held, and the other member's event has its own invocation.
    expect(held.inFlight()).toBe(2);
    expect(held.batches.map(accountsIn)).toEqual([[NOISY], [QUIET]]);
    // Once released, the flood's next batch is a full one: as many of one group as a FIFO batch holds.
    held.releaseAll();
    await settle();
    expect(held.batches[2]).toHaveLength(QUEUES['vpc-onboarding'].batchSize);
    held.releaseAll();
  });

  it("runs a group's batches one after another, in the order they were sent", async () => {
    // Prepare
    const bus = fastBus();
    const held = holdingConsumer();
    bus.setConsumer('vpc-onboarding', held.consumer);
    const sent = Array.from({ length: 25 }, () => tagChange(NOISY));
    for (const event of sent) bus.onEvent(event, 'default');

    // Act: release each batch once the next check has seen it alone in flight.
    const order: string[] = [];
    while (order.length < sent.length) {
      await settle();
      expect(held.inFlight()).toBe(1);
      order.push(...(held.batches.at(-1) ?? []).map((record) => eventIn(record).id));
      held.releaseAll();
    }
    await bus.idle();

    // Assess
    expect(order).toEqual(sent.map((event) => event.id));
    expect(held.mostInFlight()).toBe(1);
  });

  it('drops a duplicate of an event sent within five minutes, and takes it again afterwards', async () => {
    // Prepare
    const timers = new ManualTimers();
    const bus = fastBus({ timers });
    const held = holdingConsumer();
    bus.setConsumer('vpc-onboarding', held.consumer);
    const event = tagChange(QUIET);

    // Act: EventBridge delivers at least once: the same event twice, then again after the interval.
    bus.onEvent(event, 'default');
    bus.onEvent(structuredClone(event), 'default');
    await settle();
    held.releaseAll();
    await settle();
    expect(timers.pendingDelays()).toContain(300);
    timers.fireAll();
    bus.onEvent(structuredClone(event), 'default');
    await settle();
    held.releaseAll();
    await settle();

    // Assess
    expect(held.batches.map((batch) => batch.length)).toEqual([1, 1]);
    expect(bus.stats().queues['vpc-onboarding']).toMatchObject({ sent: 3, deduplicated: 1, delivered: 2 });
  });

  it('holds a group behind its failed message until that message is retried, first', async () => {
    // Prepare: the first event fails once; the second waits behind it rather than overtaking it.
    const timers = new ManualTimers();
    const bus = fastBus({ timers });
    const seen: string[] = [];
    const [first, second] = [tagChange(QUIET), tagChange(QUIET, 'vpc-0fedcba9876543210')];
    let failures = 0;
    bus.setConsumer(
      'vpc-onboarding',
      (event) => {
        seen.push(...event.Records.map((record) => eventIn(record).id));
        const failed = event.Records.filter((record) => record.body.includes(first.id) && failures++ === 0);
        return Promise.resolve({ batchItemFailures: failed.map((record) => ({ itemIdentifier: record.messageId })) });
      },
    );
    bus.onEvent(first, 'default');
    await settle();

    // Act
    bus.onEvent(second, 'default');
    await settle();
    const beforeRetry = [...seen];
    timers.fireAll();
    await bus.idle();

    // Assess
    expect(beforeRetry).toEqual([first.id]);
    expect(seen).toEqual([first.id, first.id, second.id]);
  });

  it('reports the group and deduplication ids and the sequence number in each record, as SQS FIFO does', async () => {
    const bus = fastBus();
    const held = holdingConsumer();
    bus.setConsumer('vpc-onboarding', held.consumer);
    const event = tagChange(QUIET);

    bus.onEvent(event, 'default');
    await settle();

    expect(held.batches[0]?.[0]?.attributes).toMatchObject({ MessageGroupId: QUIET, MessageDeduplicationId: event.id, SequenceNumber: expect.stringMatching(/^\d{20}$/) as string });
    held.releaseAll();
  });
});

describe("the VPC onboarding queue's dead letters", () => {
  it('keep their group, take their message id as deduplication id, and come back into their group when redriven', async () => {
    // Prepare: a consumer that fails every delivery until told otherwise.
    const timers = new ManualTimers();
    const bus = fastBus({ timers });
    const records: SQSRecord[] = [];
    let failing = true;
    bus.setConsumer('vpc-onboarding', (event) => {
      records.push(...event.Records);
      return Promise.resolve({ batchItemFailures: failing ? event.Records.map((record) => ({ itemIdentifier: record.messageId })) : [] });
    });
    const event = tagChange(QUIET);
    bus.onEvent(event, 'default');
    for (let receive = 1; receive < QUEUES['vpc-onboarding'].maxReceiveCount; receive++) {
      await settle();
      timers.fireAll();
    }
    await bus.idle();
    const [letter] = bus.deadLetters('vpc-onboarding');

    // Act
    failing = false;
    const moved = bus.queue('vpc-onboarding').redrive([letter?.messageId ?? '']);
    await bus.idle();

    // Assess
    expect(letter).toMatchObject({ queue: 'vpc-onboarding', fifo: { groupId: QUIET, deduplicationId: letter?.messageId } });
    expect(moved).toBe(1);
    const redelivered = records.at(-1);
    expect(redelivered?.messageId).toBe(letter?.messageId);
    expect(redelivered?.attributes).toMatchObject({ MessageGroupId: QUIET, MessageDeduplicationId: letter?.messageId, ApproximateReceiveCount: '1' });
    expect(Number(redelivered?.attributes.SequenceNumber)).toBeGreaterThan(Number(records[0]?.attributes.SequenceNumber));
    expect(bus.deadLetters('vpc-onboarding')).toEqual([]);
  });
});

describe("the VPC onboarding queue's intake and pipe", () => {
  it('moves each event to the grouped queue as the pipe writes it: under `event`, grouped by its account, deduplicated by its id', async () => {
    // Prepare
    const bus = fastBus();
    const held = holdingConsumer();
    bus.setConsumer('vpc-onboarding', held.consumer);
    const event = tagChange(QUIET);

    // Act
    bus.onEvent(event, 'default');
    await settle();

    // Assess: the rule delivered to the intake, and the pipe sent the event on with the ids the CDK pipe reads.
    const [record] = held.batches[0] ?? [];
    expect(JSON.parse(record?.body ?? '')).toEqual({ event: expect.objectContaining({ id: event.id, account: QUIET }) as unknown });
    expect(record?.attributes).toMatchObject({ MessageGroupId: QUIET, MessageDeduplicationId: event.id, SenderId: expect.stringMatching(/^AROA/) as string });
    expect(bus.stats().intakes['vpc-onboarding']).toMatchObject({ sent: 1, succeeded: 1 });
    held.releaseAll();
  });

  it('dead-letters at the intake a message the pipe cannot read, after the intake allows its receives', async () => {
    // Prepare: nothing on the hub bus sends such a body; a message put on the intake by hand does.
    const timers = new ManualTimers();
    const bus = fastBus({ timers });
    const held = holdingConsumer();
    bus.setConsumer('vpc-onboarding', held.consumer);

    // Act
    bus.intake('vpc-onboarding')?.send('not an event', 'AIDAHANDMADE');
    for (let receive = 1; receive < QUEUES['vpc-onboarding'].messageGroups!.intake.maxReceiveCount; receive++) {
      await settle();
      timers.fireAll();
    }
    await bus.idle();

    // Assess
    expect(held.batches).toEqual([]);
    expect(bus.deadLetters('vpc-onboarding')).toEqual([
      expect.objectContaining({ queue: 'vpc-onboarding-intake', body: 'not an event', reason: expect.stringContaining('$.body.account names no string') as string }),
    ]);
  });
});
