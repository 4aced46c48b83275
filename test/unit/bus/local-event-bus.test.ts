/**
 * The topology: default buses forward to the hub bus, hub rules feed the queues, filtering drops what
 * no rule matches, SNS notifications reach the subscribed queue in the SNS envelope, and the schedule
 * invokes the reconciler.
 */
import { HUB_BUS_NAME, type Route } from '../../../events/routes';
import {
  parseAccountOnboardingMessage,
  parseAccountReconcileMessage,
  parseConnectionAcceptanceMessage,
  parseReconcilerInput,
  parseVpcOnboardingMessage,
} from '../../../events/schemas';
import type { BusActivity } from '../../../local/bus';
import { cloudEvent, distinctEvent, fastBus, ManualTimers, recorder } from './helpers';

const HUB_BUS_ARN = `arn:aws:events:eu-west-2:222222222222:event-bus/${HUB_BUS_NAME}`;
const TOPIC_ARN = 'arn:aws:sns:eu-west-2:222222222222:egress-endpoint-connections';

describe('local event bus: forwarding and routing', () => {
  it('forwards a spoke VPC tag change to the hub bus and into the VPC onboarding queue', async () => {
    // Prepare
    const bus = fastBus();
    const fake = recorder();
    const activity: BusActivity[] = [];
    bus.onActivity((entry) => activity.push(entry));
    bus.setConsumer('vpc-onboarding', fake.consumer);
    const event = cloudEvent('tags/vpc-proxy-tag-added');

    // Act
    bus.onEvent(event, 'default');
    await bus.idle();

    // Assess
    const [record] = fake.batches.flat();
    expect(parseVpcOnboardingMessage(record?.body ?? '')).toMatchObject({
      kind: 'vpc',
      accountId: '333333333333',
      vpcId: 'vpc-0a1b2c3d4e5f60718',
      eventId: event.id,
    });
    expect(activity.filter((entry) => entry.type === 'forward')).toEqual([
      {
        type: 'forward',
        rule: 'ForwardVpcProxyTagChanges',
        from: { accountId: '333333333333', region: 'eu-west-2', name: 'default' },
        to: { accountId: '222222222222', region: 'eu-west-2', name: HUB_BUS_NAME },
        eventId: event.id,
      },
    ]);
    expect(bus.stats().rules).toMatchObject({ ForwardVpcProxyTagChanges: 1, OnboardVpcs: 1, OnboardAccounts: 0 });
  });

  it('keeps the event unchanged across the forward (same id, account and region)', async () => {
    const bus = fastBus();
    const fake = recorder();
    bus.setConsumer('vpc-onboarding', fake.consumer);
    const event = cloudEvent('tags/vpc-proxy-tag-added', { region: 'ap-southeast-2', resources: ['arn:aws:ec2:ap-southeast-2:333333333333:vpc/vpc-0a1b2c3d4e5f60718'] });

    bus.onEvent(event, 'default');
    await bus.idle();

    // The grouped queue's pipe puts the event under `event` (events/piped-event.ts), unchanged.
    expect(JSON.parse(fake.batches.flat()[0]?.body ?? 'null')).toEqual({ event });
  });

  it('forwards organization events only from the management account in us-east-1', async () => {
    // Prepare
    const bus = fastBus();
    const fake = recorder();
    bus.setConsumer('account-onboarding', fake.consumer);

    // Act
    bus.onEvent(distinctEvent('organizations/create-account-result-succeeded'), 'default');
    bus.onEvent(distinctEvent('organizations/close-account', { region: 'eu-west-1' }), 'default');
    bus.onEvent(distinctEvent('organizations/close-account', { account: '333333333333' }), 'default');
    await bus.idle();

    // Assess
    const scopes = fake.batches.flat().map((record) => parseAccountOnboardingMessage(record.body));
    expect(scopes).toEqual([expect.objectContaining({ kind: 'account', accountId: '444444444444', trigger: 'CreateAccountResult' })]);
    expect(bus.stats().events).toMatchObject({ received: 4, forwarded: 1, unmatched: 2 });
  });

  it('does not forward tag changes from accounts that are not spokes', async () => {
    const bus = fastBus({ isSpokeAccount: (accountId) => accountId !== '333333333333' });
    const fake = recorder();
    bus.setConsumer('vpc-onboarding', fake.consumer);

    bus.onEvent(cloudEvent('tags/vpc-proxy-tag-added'), 'default');
    await bus.idle();

    expect(fake.batches).toEqual([]);
    expect(bus.stats().events.forwarded).toBe(0);
  });

  it('does not forward tag changes from the management account by default', async () => {
    const bus = fastBus();
    bus.onEvent(
      cloudEvent('tags/vpc-proxy-tag-added', {
        account: '111111111111',
        resources: ['arn:aws:ec2:eu-west-2:111111111111:vpc/vpc-0a1b2c3d4e5f60718'],
      }),
      'default',
    );
    await bus.idle();
    expect(bus.stats().queues['vpc-onboarding'].sent).toBe(0);
  });

  it.each([
    ['tags/subnet-proxy-tag-added'],
    ['tags/vpc-other-tag-changed'],
    ['organizations/create-account-result-failed'],
    ['organizations/create-account-in-progress'],
  ] as const)('filters out %s', async (name) => {
    const bus = fastBus();
    const event = cloudEvent(name);

    bus.onEvent(event, 'default');
    await bus.idle();

    const queues = Object.values(bus.stats().queues);
    expect(queues.every((queue) => queue.sent === 0)).toBe(true);
    expect(bus.stats().events).toMatchObject({ received: 1, unmatched: 1 });
  });

  it('routes a configured proxy tag key, and no longer the default one', async () => {
    const bus = fastBus({ proxyTagKey: 'needs-proxy' });
    const tagged = cloudEvent('tags/vpc-proxy-tag-added');
    const custom = { ...tagged, id: 'custom', detail: { ...tagged.detail, 'changed-tag-keys': ['needs-proxy'] } };

    bus.onEvent(tagged, 'default');
    bus.onEvent(custom, 'default');
    await bus.idle();

    expect(bus.stats().queues['vpc-onboarding'].sent).toBe(1);
  });

  it('routes the hand-off put on the hub bus by ARN or by name to connection acceptance', async () => {
    // Prepare
    const bus = fastBus();
    const fake = recorder();
    bus.setConsumer('connection-acceptance', fake.consumer);

    // Act
    bus.onEvent(distinctEvent('control-plane/endpoint-created'), HUB_BUS_ARN);
    bus.onEvent(distinctEvent('control-plane/endpoint-created'), HUB_BUS_NAME);
    bus.onEvent(distinctEvent('control-plane/endpoint-created', { account: '333333333333' }), HUB_BUS_NAME);
    await bus.idle();

    // Assess: the third landed on a bus of that name in the spoke account, which has no rules
    const scopes = fake.batches.flat().map((record) => parseConnectionAcceptanceMessage(record.body));
    expect(scopes).toHaveLength(2);
    expect(scopes[0]).toMatchObject({ kind: 'endpoint', vpcEndpointId: 'vpce-0123456789abcdef0' });
    expect(bus.hubBusArn).toBe(HUB_BUS_ARN);
  });

  it('does not route the hand-off when it is put on a default bus', async () => {
    const bus = fastBus();
    bus.onEvent(cloudEvent('control-plane/endpoint-created'), 'default');
    await bus.idle();
    expect(bus.stats().queues['connection-acceptance'].sent).toBe(0);
  });
});

describe('local event bus: forwards the target bus refuses', () => {
  it("asks the rule delivery authority for the forwarding rule's account, and drops, counts and reports what it refuses", async () => {
    // Prepare: an authority admitting only account 333333333333.
    const asked: { account: string; rule: string; target: string }[] = [];
    const bus = fastBus({
      ruleDelivery: {
        ruleDeliveryRefusal: (event, rule, target) => {
          asked.push({ account: rule.accountId, rule: rule.name, target });
          return rule.accountId === '333333333333' ? undefined : `account ${rule.accountId} is not admitted`;
        },
      },
    });
    const activity: BusActivity[] = [];
    bus.onActivity((entry) => activity.push(entry));
    const admitted = distinctEvent('tags/vpc-proxy-tag-added');
    const refused = distinctEvent('tags/vpc-proxy-tag-added', {
      account: '444444444444',
      resources: ['arn:aws:ec2:eu-west-2:444444444444:vpc/vpc-0a1b2c3d4e5f60718'],
    });

    // Act
    bus.onEvent(admitted, 'default');
    bus.onEvent(refused, 'default');
    await bus.idle();

    // Assess
    expect(asked).toEqual([
      { account: '333333333333', rule: 'ForwardVpcProxyTagChanges', target: HUB_BUS_ARN },
      { account: '444444444444', rule: 'ForwardVpcProxyTagChanges', target: HUB_BUS_ARN },
    ]);
    expect(bus.stats().queues['vpc-onboarding'].sent).toBe(1);
    expect(bus.stats().events).toMatchObject({ forwarded: 1, refused: 1 });
    expect(activity.find((entry) => entry.type === 'refused')).toEqual({
      type: 'refused',
      rule: 'ForwardVpcProxyTagChanges',
      from: { accountId: '444444444444', region: 'eu-west-2', name: 'default' },
      to: { accountId: '222222222222', region: 'eu-west-2', name: HUB_BUS_NAME },
      eventId: refused.id,
      reason: 'account 444444444444 is not admitted',
    });
  });

  it('puts an event on the hub bus as a rule of its own account would, and answers why it was refused', async () => {
    const bus = fastBus({ ruleDelivery: { ruleDeliveryRefusal: (_event, rule) => (rule.accountId === '222222222222' ? undefined : 'not the hub') } });

    const fromHub = bus.forwardToHubBus(distinctEvent('control-plane/endpoint-created'));
    const fromSpoke = bus.forwardToHubBus(distinctEvent('control-plane/endpoint-created', { account: '333333333333' }));
    await bus.idle();

    expect([fromHub, fromSpoke]).toEqual([undefined, 'not the hub']);
    expect(bus.stats().queues['connection-acceptance'].sent).toBe(1);
  });

  it('forwards an event once: what arrived by a rule is not forwarded again (EventBridge delivers one hop)', async () => {
    // Prepare: a topology whose hub bus would forward to itself, were the hop not limited.
    const forward = (id: string, bus: Route['bus']): Route => ({ id, bus, description: 'loop', target: { kind: 'hub-bus' }, pattern: { source: ['aws.tag'] } });
    const bus = fastBus({ routes: [forward('SpokeForward', 'spoke-default'), forward('HubForward', 'hub')] });

    // Act
    bus.onEvent(cloudEvent('tags/vpc-proxy-tag-added'), 'default');
    await bus.idle();

    // Assess
    expect(bus.stats().events).toMatchObject({ received: 2, forwarded: 1 });
    expect(bus.stats().rules).toEqual({ SpokeForward: 1, HubForward: 1 });
  });
});

describe('local event bus: connection notifications', () => {
  it('delivers a notification to the subscribed queue inside the SNS envelope', async () => {
    // Prepare
    const bus = fastBus({ connectionNotificationTopicArns: [TOPIC_ARN] });
    const fake = recorder();
    bus.setConsumer('connection-acceptance', fake.consumer);
    const message = JSON.stringify({ endpointServiceId: 'vpce-svc-0fedcba9876543210', endpointId: 'vpce-0123456789abcdef0' });

    // Act
    bus.onNotification(TOPIC_ARN, message);
    await bus.idle();

    // Assess
    const [record] = fake.batches.flat();
    const envelope = JSON.parse(record?.body ?? 'null') as Record<string, unknown>;
    expect(envelope).toMatchObject({ Type: 'Notification', TopicArn: TOPIC_ARN, Message: message, SignatureVersion: '1' });
    expect(parseConnectionAcceptanceMessage(record?.body ?? '')).toMatchObject({
      kind: 'connections',
      topicArn: TOPIC_ARN,
      vpcEndpointId: 'vpce-0123456789abcdef0',
      serviceId: 'vpce-svc-0fedcba9876543210',
    });
    expect(record?.attributes.SenderId).toBe('AIDAIT2UOQQY3AUEKVGXU');
  });

  it('drops notifications of topics nobody subscribed to, and counts them', async () => {
    const bus = fastBus();
    bus.onNotification(TOPIC_ARN, '{}');
    bus.subscribeToConnectionNotifications('arn:aws:sns:eu-west-2:222222222222:other');
    bus.onNotification('arn:aws:sns:eu-west-2:222222222222:other', '{}');
    await bus.idle();
    expect(bus.stats().notifications).toEqual({ received: 2, unrouted: 1 });
    expect(bus.stats().queues['connection-acceptance'].sent).toBe(1);
  });
});

describe('local event bus: the reconciler schedule', () => {
  it('fires a Scheduled Event at the registered function with a Lambda context', async () => {
    // Prepare
    const bus = fastBus();
    const calls: { event: unknown; functionName: string; remaining: number; arn: string }[] = [];
    bus.setScheduledFunction((event, context) => {
      calls.push({
        event,
        functionName: context.functionName,
        remaining: context.getRemainingTimeInMillis(),
        arn: context.invokedFunctionArn,
      });
      return Promise.resolve({ planned: 0 });
    });

    // Act
    const result = await bus.fireSchedule();
    const manual = await bus.invokeScheduledFunction({ dryRun: true });

    // Assess
    expect(result).toEqual({ planned: 0 });
    expect(manual).toEqual({ planned: 0 });
    expect(parseReconcilerInput(calls[0]?.event, 'unused')).toMatchObject({ kind: 'organization', trigger: 'schedule', dryRun: false });
    expect(parseReconcilerInput(calls[1]?.event, 'req-1')).toMatchObject({ trigger: 'manual', dryRun: true, eventId: 'req-1' });
    expect(calls[0]).toMatchObject({
      functionName: 'egress-reconciler',
      arn: 'arn:aws:lambda:eu-west-2:222222222222:function:egress-reconciler',
    });
    expect(calls[0]?.remaining).toBeGreaterThan(0);
    expect(calls[0]?.remaining).toBeLessThanOrEqual(900_000);
    expect(bus.stats().schedule).toEqual({ invocations: 2, failures: 0 });
  });

  it('rejects with the function error and counts the failure', async () => {
    const bus = fastBus();
    bus.setScheduledFunction(() => Promise.reject(new Error('organization unreachable')));

    await expect(bus.fireSchedule()).rejects.toThrow('organization unreachable');
    expect(bus.stats().schedule).toEqual({ invocations: 1, failures: 1 });
  });

  it('runs the schedule on its rate once started, and idle() waits for the run', async () => {
    // Prepare
    const timers = new ManualTimers();
    const bus = fastBus({ timers });
    const sources: unknown[] = [];
    bus.setScheduledFunction(async (event) => {
      await new Promise((resolve) => setImmediate(resolve));
      sources.push((event as { source?: unknown }).source);
    });

    // Act
    bus.startSchedule();
    const interval = timers.pendingDelays();
    timers.fireAll();
    await bus.idle();

    // Assess
    expect(interval).toEqual([3600]);
    expect(sources).toEqual(['aws.events']);
  });

  it('refuses to fire without a registered function', async () => {
    await expect(fastBus().fireSchedule()).rejects.toThrow('no scheduled function registered');
  });
});

describe('local event bus: rules that invoke a function', () => {
  it("delivers the reconciler's continuation to the reconciler, asynchronously, and idle() waits for it", async () => {
    // Prepare
    const bus = fastBus();
    const activity: BusActivity[] = [];
    bus.onActivity((entry) => activity.push(entry));
    const received: unknown[] = [];
    let finish: () => void = () => undefined;
    bus.setScheduledFunction((event) => {
      received.push(event);
      return new Promise((resolve) => {
        finish = () => resolve({ published: 3 });
      });
    });
    let idle = false;

    // Act
    bus.onEvent(cloudEvent('reconciler/continuation-requested'), bus.hubBusArn);
    const idled = bus.idle().then(() => {
      idle = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    const idleWhileRunning = idle;
    finish();
    await idled;

    // Assess
    expect(idleWhileRunning).toBe(false);
    expect(parseReconcilerInput(received[0], 'unused')).toMatchObject({
      trigger: 'continuation',
      continuation: { runId: '8c1d5e7f-2a4b-4d0c-9e03-3b5a1c2fe064', afterAccountId: '444444444444' },
    });
    expect(activity.filter((entry) => entry.type === 'invoke')).toEqual([
      { type: 'invoke', rule: 'ContinueReconcile', functionName: 'egress-reconciler', eventId: '0e4a6b8c-3d5e-4f70-9a1b-2c3d4e5f6071', outcome: 'succeeded' },
    ]);
    expect(bus.stats().functionTargets).toEqual({ invocations: 1, failures: 0 });
    expect(bus.stats().rules.ContinueReconcile).toBe(1);
  });

  it('counts and reports a failed invocation without failing the bus', async () => {
    const bus = fastBus();
    const activity: BusActivity[] = [];
    bus.onActivity((entry) => activity.push(entry));
    bus.setScheduledFunction(() => Promise.reject(new Error('throttled')));

    bus.onEvent(cloudEvent('reconciler/continuation-requested'), bus.hubBusArn);
    await bus.idle();

    expect(bus.stats().functionTargets).toEqual({ invocations: 1, failures: 1 });
    expect(activity.filter((entry) => entry.type === 'invoke')).toEqual([
      expect.objectContaining({ rule: 'ContinueReconcile', outcome: 'failed', error: 'Error: throttled' }),
    ]);
  });

  it('routes per-account work items to the account reconcile queue', async () => {
    const bus = fastBus();
    const seen = recorder();
    bus.setConsumer('account-reconcile', seen.consumer);

    bus.onEvent(cloudEvent('fan-out/account-reconcile-requested'), bus.hubBusArn);
    await bus.idle();

    expect(seen.batches.flat().map((record) => parseAccountReconcileMessage(record.body))).toEqual([
      { kind: 'account-reconcile', accountId: '333333333333', runId: '8c1d5e7f-2a4b-4d0c-9e03-3b5a1c2fe064', eventId: '7b2e4c6d-1f3a-4b5c-8d9e-0a1b2c3d4e5f', senderAccountId: '222222222222' },
    ]);
  });
});
