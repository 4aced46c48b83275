/**
 * The times the bus stamps come from its `now` (the runner passes the local cloud's emulated clock), not the wall
 * clock: a record's SentTimestamp and ApproximateFirstReceiveTimestamp, the Lambda context's deadline, a dead
 * letter's time, the SNS envelope's Timestamp and the schedule's event time.
 */
import type { Context, SQSEvent } from 'aws-lambda';
import { QUEUES } from '../../../events/routes';
import { distinctEvent, fastBus, ManualTimers } from './helpers';

/** A clock the test moves by hand, far from the wall clock so a stamp taken from Date.now could not pass. */
function manualClock(start = Date.UTC(2030, 0, 1)) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('local bus: time on its own clock', () => {
  it('stamps whole milliseconds, as SQS does, from a clock that gives fractions (a fractional time scale)', async () => {
    const clock = manualClock(Date.UTC(2030, 0, 1) + 0.75);
    const bus = fastBus({ now: clock.now });
    const stamps: string[] = [];
    bus.setConsumer('account-onboarding', (event: SQSEvent) => {
      stamps.push(...event.Records.flatMap((r) => [r.attributes.SentTimestamp, r.attributes.ApproximateFirstReceiveTimestamp]));
      return Promise.resolve();
    });

    bus.queue('account-onboarding').send(JSON.stringify(distinctEvent('organizations/create-account-result-succeeded')), 'AROAEXAMPLE:session');
    await bus.idle();

    expect(stamps).toEqual([String(Date.UTC(2030, 0, 1)), String(Date.UTC(2030, 0, 1))]);
  });

  it("stamps SentTimestamp at the send, even for a delayed message, and ApproximateFirstReceiveTimestamp at the first receive, with the context's deadline from the same clock", async () => {
    // Prepare
    const clock = manualClock();
    const timers = new ManualTimers();
    const bus = fastBus({ timers, now: clock.now });
    const delivered: { event: SQSEvent; remainingMs: number }[] = [];
    bus.setConsumer('account-onboarding', (event: SQSEvent, context: Context) => {
      delivered.push({ event, remainingMs: context.getRemainingTimeInMillis() });
      return Promise.resolve();
    });
    const sentAt = clock.now();

    // Act: sent with a 25 s timer, which runs out 25 s later; the batching window elapses 1 s after that.
    bus.queue('account-onboarding').send(JSON.stringify(distinctEvent('organizations/create-account-result-succeeded')), 'AROAEXAMPLE:session', undefined, 25);
    clock.advance(25_000);
    timers.fireAll();
    await settle();
    clock.advance(1_000);
    timers.fireAll();
    await bus.idle();

    // Assess
    const [first] = delivered;
    expect(first?.event.Records[0]?.attributes).toMatchObject({
      SentTimestamp: String(sentAt),
      ApproximateFirstReceiveTimestamp: String(sentAt + 26_000),
    });
    // The clock has not moved since the invocation began: the whole timeout remains.
    expect(first?.remainingMs).toBe(QUEUES['account-onboarding'].functionTimeoutSeconds * 1000);
  });

  it('keeps the first receive time across a retry and stamps the dead letter with the time it failed for good', async () => {
    // Prepare
    const clock = manualClock();
    const timers = new ManualTimers();
    const bus = fastBus({ timers, now: clock.now, queueSettings: { 'account-onboarding': { batchingWindowSeconds: 0, maxReceiveCount: 2 } } });
    const firstReceives: string[] = [];
    bus.setConsumer('account-onboarding', (event: SQSEvent) => {
      firstReceives.push(...event.Records.map((record) => record.attributes.ApproximateFirstReceiveTimestamp));
      return Promise.reject(new Error('always fails'));
    });
    const sentAt = clock.now();

    // Act
    bus.queue('account-onboarding').send('{}', 'AROAEXAMPLE:session');
    await settle();
    clock.advance(30_000);
    timers.fireAll(); // the visibility timeout: the second and last receive
    await bus.idle();

    // Assess
    expect(firstReceives).toEqual([String(sentAt), String(sentAt)]);
    expect(bus.deadLetters('account-onboarding')).toMatchObject([{ sentTimestamp: sentAt, deadLetteredAt: new Date(sentAt + 30_000).toISOString() }]);
  });

  it("dates the SNS envelope and the schedule's event by its clock", async () => {
    // Prepare
    const clock = manualClock();
    const topicArn = 'arn:aws:sns:eu-west-2:222222222222:egress-connection-notifications';
    const bus = fastBus({ now: clock.now, connectionNotificationTopicArns: [topicArn] });
    const bodies: string[] = [];
    bus.setConsumer('connection-acceptance', (event: SQSEvent) => {
      bodies.push(...event.Records.map((record) => record.body));
      return Promise.resolve();
    });
    let scheduled: unknown;
    bus.setScheduledFunction((event) => {
      scheduled = event;
      return Promise.resolve();
    });

    // Act
    bus.onNotification(topicArn, '{}');
    await bus.fireSchedule();
    await bus.idle();

    // Assess
    const iso = new Date(clock.now()).toISOString();
    expect(bodies.map((body) => (JSON.parse(body) as { Timestamp: string }).Timestamp)).toEqual([iso]);
    expect(scheduled).toMatchObject({ time: iso.replace(/\.\d{3}Z$/, 'Z') });
  });
});
