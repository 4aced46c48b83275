/**
 * Queue semantics through the bus: batching (full batch or window), bounded concurrency, retries after
 * the visibility timeout, the dead-letter list, and partial batch responses as Lambda reads them.
 */
import { createHash } from 'node:crypto';
import { QUEUES } from '../../../events/routes';
import { bodies, distinctEvent, fastBus, ManualTimers, recorder } from './helpers';

const MANAGEMENT_DEFAULT_BUS = 'default';

function sendAccountEvents(bus: ReturnType<typeof fastBus>, count: number): void {
  for (let i = 0; i < count; i++) {
    bus.onEvent(distinctEvent('organizations/create-account-result-succeeded'), MANAGEMENT_DEFAULT_BUS);
  }
}

describe('local queue: batching', () => {
  it('flushes full batches at once and the remainder when the window elapses', async () => {
    // Prepare
    const bus = fastBus();
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);

    // Act
    sendAccountEvents(bus, 25);
    await bus.idle();

    // Assess: batch size 10 for account onboarding
    expect(QUEUES['account-onboarding'].batchSize).toBe(10);
    expect(fake.batches.map((batch) => batch.length)).toEqual([10, 10, 5]);
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ sent: 25, delivered: 25, succeeded: 25, invocations: 3 });
  });

  it('dispatches a full batch without waiting for the window, and a partial one only when it elapses', async () => {
    // Prepare
    const timers = new ManualTimers();
    const bus = fastBus({ timers });
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);

    // Act: 13 messages, batch size 10, window never fired yet
    sendAccountEvents(bus, 13);
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(fake.batches.map((batch) => batch.length)).toEqual([10]);
    expect(timers.pendingDelays()).toEqual([QUEUES['account-onboarding'].batchingWindowSeconds]);
    timers.fireAll();
    await bus.idle();
    expect(fake.batches.map((batch) => batch.length)).toEqual([10, 3]);
  });

  it("cuts a batch short of Lambda's 6 MB invocation payload, whatever its size setting, in the queue's order", async () => {
    // Prepare: 700 KB bodies, a batch size of 10,000 (Lambda's largest for a standard queue)
    const bus = fastBus({ queueSettings: { 'account-onboarding': { batchSize: 10_000 } } });
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);
    const sent = Array.from({ length: 10 }, (_, i) => `${String(i)}:${'x'.repeat(700 * 1024)}`);

    // Act
    for (const body of sent) bus.queue('account-onboarding').send(body, 'AROAEXAMPLE:session');
    await bus.idle();

    // Assess: eight records are 5.6 MB and fit, a ninth would not
    expect(fake.batches.map((batch) => batch.length)).toEqual([8, 2]);
    expect(fake.batches.flat().map((record) => record.body.split(':')[0])).toEqual(sent.map((_, i) => String(i)));
  });

  it('delivers a partial batch once the batching window elapses', async () => {
    const bus = fastBus();
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);

    sendAccountEvents(bus, 3);
    await bus.idle();

    expect(fake.batches.map((batch) => batch.length)).toEqual([3]);
  });

  it('holds messages until a consumer is registered, and idle() does not wait for them', async () => {
    const bus = fastBus();
    sendAccountEvents(bus, 2);

    await bus.idle();
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ sent: 2, visible: 2, delivered: 0 });

    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);
    await bus.idle();
    expect(fake.batches.flat()).toHaveLength(2);
  });

  it('never runs more batches at once than the queue allows', async () => {
    // Prepare
    const bus = fastBus({ queueSettings: { 'account-onboarding': { maxConcurrency: 2, batchSize: 1 } } });
    let running = 0;
    let mostAtOnce = 0;
    let handled = 0;
    bus.setConsumer('account-onboarding', async (event) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      await new Promise((resolve) => setImmediate(resolve));
      handled += event.Records.length;
      running--;
    });

    // Act
    sendAccountEvents(bus, 12);
    await bus.idle();

    // Assess
    expect(handled).toBe(12);
    expect(mostAtOnce).toBe(2);
  });

  it('delivers the EventBridge event JSON as the body of a real-shaped SQS record', async () => {
    const bus = fastBus();
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);
    const event = distinctEvent('organizations/create-account-result-succeeded');

    bus.onEvent(event, MANAGEMENT_DEFAULT_BUS);
    await bus.idle();

    const [record] = fake.batches.flat();
    expect(JSON.parse(record?.body ?? 'null')).toEqual(event);
    expect(record).toMatchObject({
      eventSource: 'aws:sqs',
      eventSourceARN: 'arn:aws:sqs:eu-west-2:222222222222:account-onboarding',
      awsRegion: 'eu-west-2',
      attributes: { ApproximateReceiveCount: '1' },
      messageAttributes: {},
      md5OfBody: createHash('md5')
        .update(record?.body ?? '')
        .digest('hex'),
    });
    expect(record?.receiptHandle).toEqual(expect.any(String));
  });
});

describe('local queue: failures', () => {
  it('redelivers a failed batch after the visibility timeout, with a higher receive count', async () => {
    // Prepare
    const bus = fastBus();
    let calls = 0;
    const fake = recorder(() => {
      calls++;
      if (calls === 1) throw new Error('throttled');
    });
    bus.setConsumer('account-onboarding', fake.consumer);

    // Act
    sendAccountEvents(bus, 2);
    await bus.idle();

    // Assess
    expect(fake.batches.map((batch) => batch.map((r) => r.attributes.ApproximateReceiveCount))).toEqual([
      ['1', '1'],
      ['2', '2'],
    ]);
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ retried: 2, succeeded: 2, deadLettered: 0 });
    expect(bus.deadLetters()).toEqual([]);
  });

  it('dead-letters a message after maxReceiveCount receives, with the last error', async () => {
    // Prepare
    const bus = fastBus();
    let attempt = 0;
    bus.setConsumer(
      'account-onboarding',
      recorder(() => {
        attempt++;
        throw new Error(`AccessDenied on attempt ${attempt}`);
      }).consumer,
    );
    const event = distinctEvent('organizations/create-account-result-succeeded');

    // Act
    bus.onEvent(event, MANAGEMENT_DEFAULT_BUS);
    await bus.idle();

    // Assess
    const [letter, ...others] = bus.deadLetters('account-onboarding');
    expect(others).toEqual([]);
    expect(letter).toMatchObject({
      queue: 'account-onboarding',
      receiveCount: QUEUES['account-onboarding'].maxReceiveCount,
      reason: 'Error: AccessDenied on attempt 3',
      errors: ['Error: AccessDenied on attempt 1', 'Error: AccessDenied on attempt 2', 'Error: AccessDenied on attempt 3'],
    });
    expect(JSON.parse(letter?.body ?? 'null')).toEqual(event);
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ delivered: 3, retried: 2, deadLettered: 1, succeeded: 0 });
  });

  it('retries only the items a partial batch response lists', async () => {
    // Prepare: the consumer fails the first message of its first batch once
    const bus = fastBus();
    let failedId: string | undefined;
    const fake = recorder((records) => {
      if (failedId) return [];
      failedId = records[0]?.messageId;
      return failedId ? [failedId] : [];
    });
    bus.setConsumer('account-onboarding', fake.consumer);

    // Act
    sendAccountEvents(bus, 3);
    await bus.idle();

    // Assess
    expect(fake.batches.map((batch) => batch.length)).toEqual([3, 1]);
    expect(fake.batches[1]?.[0]?.messageId).toBe(failedId);
    expect([...fake.deliveries.values()].sort()).toEqual([1, 1, 2]);
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ retried: 1, succeeded: 3 });
  });

  it('dead-letters only the item that keeps failing', async () => {
    const bus = fastBus();
    const poison = distinctEvent('organizations/close-account');
    const fake = recorder((records) =>
      records.filter((record) => (JSON.parse(record.body) as { id: string }).id === poison.id).map((record) => record.messageId),
    );
    bus.setConsumer('account-onboarding', fake.consumer);

    bus.onEvent(poison, MANAGEMENT_DEFAULT_BUS);
    sendAccountEvents(bus, 2);
    await bus.idle();

    const letters = bus.deadLetters();
    expect(letters).toHaveLength(1);
    expect(JSON.parse(letters[0]?.body ?? 'null')).toMatchObject({ id: poison.id });
    expect(letters[0]?.reason).toContain('batchItemFailures');
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ succeeded: 2, deadLettered: 1 });
  });

  it('fails the whole batch when a partial batch response names an unknown item', async () => {
    const bus = fastBus();
    let calls = 0;
    const fake = recorder(() => (++calls === 1 ? ['not-a-message-id'] : []));
    bus.setConsumer('account-onboarding', fake.consumer);

    sendAccountEvents(bus, 2);
    await bus.idle();

    expect(fake.batches.map((batch) => batch.length)).toEqual([2, 2]);
    expect(bodies(fake.batches[1] ?? [])).toHaveLength(2);
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ retried: 2, succeeded: 2 });
  });

  it('delivers everything exactly once on success even when batches are drawn in random order', async () => {
    let seed = 42;
    const random = () => ((seed = (seed * 16807) % 2147483647) - 1) / 2147483646;
    const bus = fastBus({ random });
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);

    sendAccountEvents(bus, 30);
    await bus.idle();

    expect(fake.deliveries.size).toBe(30);
    expect([...fake.deliveries.values()].every((count) => count === 1)).toBe(true);
  });
});

describe('local queue: engine failures', () => {
  it('rejects idle() instead of hanging when the engine itself fails', async () => {
    // Prepare: an activity listener with a bug breaks a delivery
    const bus = fastBus();
    bus.setConsumer('account-onboarding', recorder().consumer);
    bus.onActivity((activity) => {
      if (activity.type === 'batch') throw new Error('listener bug');
    });

    // Act
    sendAccountEvents(bus, 1);

    // Assess
    await expect(bus.idle()).rejects.toThrow('listener bug');
  });
});

describe('local queue: message timers (SendMessage with DelaySeconds)', () => {
  it('keeps a delayed message from the consumer until its timer fires, and idle() waits for it', async () => {
    // Prepare
    const timers = new ManualTimers();
    const bus = fastBus({ timers });
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);

    // Act
    bus.queue('account-onboarding').send(JSON.stringify(distinctEvent('organizations/create-account-result-succeeded')), 'AROAEXAMPLE:session', undefined, 25);
    await new Promise((resolve) => setImmediate(resolve));
    const whileTimed = bus.stats().queues['account-onboarding'];
    let idle = false;
    const idling = bus.idle().then(() => (idle = true));
    await new Promise((resolve) => setImmediate(resolve));

    // Assess
    expect(fake.batches).toEqual([]);
    expect(whileTimed).toMatchObject({ sent: 1, timed: 1, visible: 0, delivered: 0 });
    expect(timers.pendingDelays()).toEqual([25]);
    expect(idle).toBe(false);
    timers.fireAll(); // the message timer
    await new Promise((resolve) => setImmediate(resolve));
    timers.fireAll(); // the batching window
    await idling;
    expect(fake.batches.map((batch) => batch.map((record) => record.attributes.SenderId))).toEqual([['AROAEXAMPLE:session']]);
    expect(bus.stats().queues['account-onboarding']).toMatchObject({ timed: 0, delivered: 1 });
  });
});
