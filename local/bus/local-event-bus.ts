/**
 * The local event bus: the same topology the CDK app deploys, read from events/routes.ts, running any
 * handlers in process. Events from the local cloud land on the default bus of their account and region
 * (or the bus PutEvents named); rules there forward to the hub bus or feed the hub queues, which invoke
 * the registered consumers as the SQS event source mapping would. Handler-agnostic: it knows nothing
 * of what the functions do.
 */
import { randomUUID } from 'node:crypto';
import type { Context, ScheduledEvent } from 'aws-lambda';
import { LOCAL_DEFAULTS, type CloudEvent, type LocalCloudSinks, type RuleDeliveryAuthority } from '../cloud/api';
import {
  buildRoutes,
  HUB_BUS_NAME,
  QUEUE_NAMES,
  QUEUES,
  RECONCILER_SCHEDULE,
  type BusRole,
  type IntakeDefinition,
  type QueueName,
  type Route,
  type ScheduleDefinition,
} from '../../events/routes';
import { createLambdaContext } from './lambda-context';
import { LocalQueue, type ConsumerOptions, type DeadLetter, type QueueActivity, type QueueSettings, type QueueStats, type SqsConsumer } from './local-queue';
import { groupingPipe } from './local-pipe';
import { compilePattern, type CompiledPattern } from './pattern-matcher';
import { scheduleIntervalSeconds } from './schedule-expression';
import { SENDER_IDS, snsEnvelopeBody } from './sqs-shapes';
import { scaledTimers, type Timers } from './timers';

export interface BusLocation {
  accountId: string;
  region: string;
  name: string;
}

export type BusActivity =
  | { type: 'event'; bus: BusLocation; eventId: string; source: string; detailType: string; matchedRules: string[] }
  | { type: 'forward'; rule: string; from: BusLocation; to: BusLocation; eventId: string }
  /** EventBridge would not deliver the event to the target bus: its policy does not admit the rule's account. */
  | { type: 'refused'; rule: string; from: BusLocation; to: BusLocation; eventId: string; reason: string }
  | { type: 'enqueue'; rule: string; queue: QueueName; eventId: string; messageId: string }
  | { type: 'notification'; topicArn: string; queues: QueueName[] }
  | { type: 'schedule'; scheduleId: string; trigger: 'schedule' | 'manual'; outcome: 'succeeded' | 'failed'; error?: string }
  | { type: 'invoke'; rule: string; functionName: string; eventId: string; outcome: 'succeeded' | 'failed'; error?: string }
  | QueueActivity;

export type ScheduledFunction = (event: unknown, context: Context) => Promise<unknown>;

export interface LocalEventBusOptions {
  /** @default LOCAL_DEFAULTS.managementAccountId */
  managementAccountId?: string;
  /** @default LOCAL_DEFAULTS.hubAccountId */
  hubAccountId?: string;
  /** @default LOCAL_DEFAULTS.hubRegion */
  hubRegion?: string;
  /** Where Organizations events appear. @default LOCAL_DEFAULTS.organizationsRegion */
  organizationsRegion?: string;
  /** @default HUB_BUS_NAME */
  hubBusName?: string;
  /** @default buildRoutes({ proxyTagKey, policyTagKey, accounts: { hub: hubAccountId, management: managementAccountId } }) */
  routes?: Route[];
  /** @default 'egress-proxy' */
  proxyTagKey?: string;
  /** @default 'egress-proxy-policy' */
  policyTagKey?: string;
  /** Per-queue overrides of the definitions in events/routes.ts (tests shorten timeouts this way). */
  queueSettings?: Partial<Record<QueueName, Partial<QueueSettings>>>;
  /** AWS seconds per real second for windows, visibility timeouts and the schedule. @default 1 */
  timeScale?: number;
  /** Replaces timeScale entirely (e.g. a manual clock). */
  timers?: Timers;
  /**
   * Epoch ms of the clock the bus stamps time with: queue records' SentTimestamp and ApproximateFirstReceiveTimestamp,
   * Lambda contexts' deadlines, dead letters, the SNS envelope's Timestamp and the schedule's event time. The runner
   * passes the local cloud's emulated clock, so these compare with the timestamps the cloud stamps (a connection's
   * CreationTimestamp) under any time scale. @default Date.now
   */
  now?: () => number;
  /** Seeded source: batches are drawn in random order, as a standard queue may deliver. */
  random?: () => number;
  /**
   * Accounts whose default buses carry the spoke forwarding rule (the StackSet's targets). In AWS that
   * is the organization's member accounts in the target OUs. @default every account but the management one
   */
  isSpokeAccount?: (accountId: string) => boolean;
  /** SNS topics of the endpoint service's connection notifications, known up front. */
  connectionNotificationTopicArns?: string[];
  /** @default RECONCILER_SCHEDULE */
  schedule?: ScheduleDefinition;
  /**
   * Decides each bus-to-bus forward as EventBridge would (the target bus's policy, for the rule's account): the local
   * cloud's `ruleDelivery`. @default every forward is delivered (a bus without a local cloud has no policies to ask)
   */
  ruleDelivery?: RuleDeliveryAuthority;
}

export interface BusStats {
  /** `refused`: forwards the target bus's policy did not admit (EventBridge counts them as failed invocations). */
  events: { received: number; matched: number; unmatched: number; forwarded: number; refused: number };
  notifications: { received: number; unrouted: number };
  /** Matches per rule id. */
  rules: Record<string, number>;
  queues: Record<QueueName, QueueStats>;
  /** The standard intake queues in front of grouped (FIFO) queues, by the queue they feed through their pipe. */
  intakes: Partial<Record<QueueName, QueueStats>>;
  schedule: { invocations: number; failures: number };
  /** Asynchronous invocations by rules that target a function (the reconciler's continuation). */
  functionTargets: { invocations: number; failures: number };
}

interface CompiledRoute {
  route: Route;
  matches: CompiledPattern;
}

interface ScheduledTarget {
  handler: ScheduledFunction;
  functionName: string;
  timeoutSeconds: number;
}

const EVENT_BUS_ARN = /^arn:aws[\w-]*:events:([a-z0-9-]+):(\d{12}):event-bus\/(.+)$/;

export class LocalEventBus implements LocalCloudSinks {
  private readonly managementAccountId: string;
  private readonly hubAccountId: string;
  private readonly hubRegion: string;
  private readonly organizationsRegion: string;
  private readonly hubBusName: string;
  private readonly isSpokeAccount: (accountId: string) => boolean;
  private readonly ruleDelivery: RuleDeliveryAuthority | undefined;
  private readonly schedule: ScheduleDefinition;
  private readonly timers: Timers;
  private readonly now: () => number;
  private readonly rules: Record<BusRole, CompiledRoute[]>;
  private readonly queues: Record<QueueName, LocalQueue>;
  /** A grouped queue's intake, which its rules deliver to and its pipe reads (events/routes.ts, `messageGroups`). */
  private readonly intakes: Partial<Record<QueueName, LocalQueue>> = {};
  private readonly topicSubscriptions = new Map<string, Set<QueueName>>();
  private readonly listeners = new Set<(activity: BusActivity) => void>();
  private readonly idleWaiters: { resolve: () => void; reject: (error: unknown) => void }[] = [];
  private readonly internalErrors: unknown[] = [];
  private scheduledTarget: ScheduledTarget | undefined;
  private scheduledInFlight = 0;
  private stopSchedule: (() => void) | undefined;
  private readonly counters: Omit<BusStats, 'queues' | 'intakes' | 'rules'> = {
    events: { received: 0, matched: 0, unmatched: 0, forwarded: 0, refused: 0 },
    notifications: { received: 0, unrouted: 0 },
    schedule: { invocations: 0, failures: 0 },
    functionTargets: { invocations: 0, failures: 0 },
  };
  private readonly ruleMatches: Record<string, number> = {};

  constructor(options: LocalEventBusOptions = {}) {
    this.managementAccountId = options.managementAccountId ?? LOCAL_DEFAULTS.managementAccountId;
    this.hubAccountId = options.hubAccountId ?? LOCAL_DEFAULTS.hubAccountId;
    this.hubRegion = options.hubRegion ?? LOCAL_DEFAULTS.hubRegion;
    this.organizationsRegion = options.organizationsRegion ?? LOCAL_DEFAULTS.organizationsRegion;
    this.hubBusName = options.hubBusName ?? HUB_BUS_NAME;
    this.isSpokeAccount = options.isSpokeAccount ?? ((accountId) => accountId !== this.managementAccountId);
    this.schedule = options.schedule ?? RECONCILER_SCHEDULE;
    this.timers = options.timers ?? scaledTimers(options.timeScale ?? 1);
    this.now = options.now ?? Date.now;
    this.ruleDelivery = options.ruleDelivery;

    const routes =
      options.routes ??
      buildRoutes({
        ...(options.proxyTagKey ? { proxyTagKey: options.proxyTagKey } : {}),
        ...(options.policyTagKey ? { policyTagKey: options.policyTagKey } : {}),
        accounts: { hub: this.hubAccountId, management: this.managementAccountId },
      });
    this.rules = { 'management-default': [], 'spoke-default': [], hub: [] };
    for (const route of routes) {
      this.rules[route.bus].push({ route, matches: compilePattern(route.pattern) });
      this.ruleMatches[route.id] = 0;
    }

    const runtime = {
      timers: this.timers,
      now: this.now,
      ...(options.random ? { random: options.random } : {}),
      onChange: () => this.checkIdle(),
      onActivity: (activity: QueueActivity) => this.emit(activity),
      onInternalError: (error: unknown) => {
        this.internalErrors.push(error);
        this.checkIdle();
      },
    };
    const address = (name: string) => ({ name, accountId: this.hubAccountId, region: this.hubRegion });
    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new LocalQueue(address(name), { ...QUEUES[name], ...options.queueSettings?.[name] }, runtime)]),
    ) as Record<QueueName, LocalQueue>;
    for (const name of QUEUE_NAMES) {
      const groups = this.queues[name].settings.messageGroups;
      if (groups === undefined) continue;
      const intake = new LocalQueue(address(`${name}-intake`), intakeSettings(groups.intake), runtime);
      intake.setConsumer(groupingPipe(this.queues[name], groups), { functionName: `egress-${name}-pipe` });
      this.intakes[name] = intake;
    }
    for (const topicArn of options.connectionNotificationTopicArns ?? []) this.subscribeToConnectionNotifications(topicArn);
  }

  /** The hub bus's ARN: what PutEvents (VPC onboarding's hand-off) and forwarding rules target. */
  get hubBusArn(): string {
    return `arn:aws:events:${this.hubRegion}:${this.hubAccountId}:event-bus/${this.hubBusName}`;
  }

  // ---- LocalCloudSinks ----

  onEvent(event: CloudEvent, busName: string): void {
    this.deliver(structuredClone(event), this.resolveBus(event, busName));
  }

  /**
   * Puts `event` on the hub bus as a forwarding rule on its own account's default bus (in its region) would: the hub
   * bus's policy decides, for that account. Returns why the delivery was refused, or undefined once delivered.
   */
  forwardToHubBus(event: CloudEvent, ruleId = 'ForwardToHubBus'): string | undefined {
    const from = { accountId: event.account, region: event.region, name: 'default' };
    return this.forwardByRule(ruleId, structuredClone(event), from);
  }

  onNotification(topicArn: string, message: string): void {
    this.counters.notifications.received++;
    const queues = [...(this.topicSubscriptions.get(topicArn) ?? [])];
    if (queues.length === 0) this.counters.notifications.unrouted++;
    this.emit({ type: 'notification', topicArn, queues });
    for (const queue of queues) {
      this.queues[queue].send(snsEnvelopeBody(topicArn, message, new Date(this.now())), SENDER_IDS.sns);
    }
  }

  // ---- wiring ----

  setConsumer(queue: QueueName, consumer: SqsConsumer, options: ConsumerOptions = {}): void {
    this.queues[queue].setConsumer(consumer, options);
  }

  /** Subscribe a queue to an SNS topic (raw message delivery off). */
  subscribe(topicArn: string, queue: QueueName): void {
    const queues = this.topicSubscriptions.get(topicArn) ?? new Set<QueueName>();
    queues.add(queue);
    this.topicSubscriptions.set(topicArn, queues);
  }

  /** Subscribe every queue the routes mark as a connection-notification subscriber. */
  subscribeToConnectionNotifications(topicArn: string): void {
    for (const name of QUEUE_NAMES) {
      if (QUEUES[name].subscribesToConnectionNotifications) this.subscribe(topicArn, name);
    }
  }

  setScheduledFunction(handler: ScheduledFunction, options: { functionName?: string; timeoutSeconds?: number } = {}): void {
    this.scheduledTarget = {
      handler,
      functionName: options.functionName ?? 'egress-reconciler',
      timeoutSeconds: options.timeoutSeconds ?? 900,
    };
  }

  /** Fire the reconciler's schedule now; resolves with the function's result, rejects with its error. */
  fireSchedule(): Promise<unknown> {
    const event: ScheduledEvent = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: this.hubAccountId,
      time: new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: this.hubRegion,
      resources: [`arn:aws:events:${this.hubRegion}:${this.hubAccountId}:rule/${this.schedule.id}`],
      detail: {},
    };
    return this.invokeScheduled(event, 'schedule');
  }

  /** A manual invocation of the scheduled function (e.g. `{ "dryRun": true }`), as `aws lambda invoke` would. */
  invokeScheduledFunction(payload: unknown): Promise<unknown> {
    return this.invokeScheduled(payload, 'manual');
  }

  /** Run the schedule on its rate (scaled by timeScale) until close(). */
  startSchedule(): void {
    if (this.stopSchedule) return;
    this.stopSchedule = this.timers.every(scheduleIntervalSeconds(this.schedule.expression), () => {
      // A failed scheduled run is reported through stats and activity; the next run retries.
      this.fireSchedule().catch(() => undefined);
    });
  }

  // ---- observing ----

  onActivity(listener: (activity: BusActivity) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Resolves when nothing is left to deliver: every queue with a consumer is empty and nothing is in
   * flight. Rejects if the engine itself failed. Messages in a queue without a consumer do not count.
   */
  idle(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.idleWaiters.push({ resolve, reject });
      this.checkIdle();
    });
  }

  stats(): BusStats {
    const queues = Object.fromEntries(QUEUE_NAMES.map((name) => [name, this.queues[name].stats()])) as Record<QueueName, QueueStats>;
    const intakes = Object.fromEntries(this.intakeNames().map((name) => [name, this.intakes[name]?.stats()]));
    return structuredClone({ ...this.counters, rules: this.ruleMatches, queues, intakes });
  }

  /** The standard intake in front of a grouped queue (its rules deliver there, its pipe reads it); undefined for others. */
  intake(name: QueueName): LocalQueue | undefined {
    return this.intakes[name];
  }

  /** A queue's dead letters, then its intake's (`queue` of each letter says which: `vpc-onboarding-intake`). */
  deadLetters(queue?: QueueName): DeadLetter[] {
    const names = queue ? [queue] : QUEUE_NAMES;
    return names.flatMap((name) => [...this.queues[name].deadLetters(), ...(this.intakes[name]?.deadLetters() ?? [])]);
  }

  /** One hub queue, for what SQS lets clients do to it (the local cloud's SQS API: depth, dead letters, redrive). */
  queue(name: QueueName): LocalQueue {
    return this.queues[name];
  }

  /** Cancel every timer (windows, retries, schedule). Pending messages stay where they are. */
  close(): void {
    this.stopSchedule?.();
    this.stopSchedule = undefined;
    for (const name of QUEUE_NAMES) this.queues[name].close();
    for (const name of this.intakeNames()) this.intakes[name]?.close();
  }

  private intakeNames(): QueueName[] {
    return QUEUE_NAMES.filter((name) => this.intakes[name] !== undefined);
  }

  // ---- routing ----

  private resolveBus(event: CloudEvent, busName: string): BusLocation {
    const arn = EVENT_BUS_ARN.exec(busName);
    if (arn?.[1] && arn[2] && arn[3]) return { region: arn[1], accountId: arn[2], name: arn[3] };
    return { accountId: event.account, region: event.region, name: busName || 'default' };
  }

  private rulesOn(bus: BusLocation): CompiledRoute[] {
    if (bus.name === 'default') {
      const management =
        bus.accountId === this.managementAccountId && bus.region === this.organizationsRegion ? this.rules['management-default'] : [];
      const spoke = this.isSpokeAccount(bus.accountId) ? this.rules['spoke-default'] : [];
      return [...management, ...spoke];
    }
    const isHub = bus.name === this.hubBusName && bus.accountId === this.hubAccountId && bus.region === this.hubRegion;
    return isHub ? this.rules.hub : [];
  }

  /** @param byRule the event came from another bus through a rule: EventBridge does not forward it a second time. */
  private deliver(event: CloudEvent, bus: BusLocation, byRule = false): void {
    this.counters.events.received++;
    const matched = this.rulesOn(bus).filter((rule) => rule.matches(event));
    this.emit({
      type: 'event',
      bus,
      eventId: event.id,
      source: event.source,
      detailType: event['detail-type'],
      matchedRules: matched.map((rule) => rule.route.id),
    });
    if (matched.length === 0) {
      this.counters.events.unmatched++;
      return;
    }
    this.counters.events.matched++;
    for (const { route } of matched) {
      this.ruleMatches[route.id] = (this.ruleMatches[route.id] ?? 0) + 1;
      if (route.target.kind === 'hub-bus') {
        // "If a receiver account sets up a rule that sends events received from a sender account on to a third
        // account, these events are not sent" (EventBridge user guide): one hop only.
        if (!byRule) this.forwardByRule(route.id, structuredClone(event), bus);
      } else if (route.target.kind === 'queue') {
        // A grouped queue's rule delivers to its intake; the pipe moves the message on.
        const queue = this.intakes[route.target.queue] ?? this.queues[route.target.queue];
        const messageId = queue.send(JSON.stringify(event), SENDER_IDS.eventBridge);
        this.emit({ type: 'enqueue', rule: route.id, queue: route.target.queue, eventId: event.id, messageId });
      } else {
        this.invokeFromRule(route.id, event);
      }
    }
  }

  /** EventBridge's own bus-to-bus delivery: the event keeps its id, account and region, if the target bus admits it. */
  private forwardByRule(ruleId: string, event: CloudEvent, from: BusLocation): string | undefined {
    const hub = { accountId: this.hubAccountId, region: this.hubRegion, name: this.hubBusName };
    const reason = this.ruleDelivery?.ruleDeliveryRefusal(event, { accountId: from.accountId, region: from.region, name: ruleId }, this.hubBusArn);
    if (reason !== undefined) {
      this.counters.events.refused++;
      this.emit({ type: 'refused', rule: ruleId, from, to: hub, eventId: event.id, reason });
      this.checkIdle();
      return reason;
    }
    this.counters.events.forwarded++;
    this.emit({ type: 'forward', rule: ruleId, from, to: hub, eventId: event.id });
    this.deliver(event, hub, true);
    return undefined;
  }

  /** A fresh invocation context for the reconciler, which runs in the hub account and region. */
  private hubFunctionContext(target: ScheduledTarget) {
    return createLambdaContext(
      {
        functionName: target.functionName,
        accountId: this.hubAccountId,
        region: this.hubRegion,
        timeoutSeconds: target.timeoutSeconds,
      },
      this.now,
    );
  }

  private async invokeScheduled(payload: unknown, trigger: 'schedule' | 'manual'): Promise<unknown> {
    const target = this.scheduledTarget;
    if (!target) throw new Error('no scheduled function registered: call setScheduledFunction first');
    const context = this.hubFunctionContext(target);
    this.scheduledInFlight++;
    this.counters.schedule.invocations++;
    try {
      const result = await target.handler(payload, context);
      this.emit({ type: 'schedule', scheduleId: this.schedule.id, trigger, outcome: 'succeeded' });
      return result;
    } catch (error) {
      this.counters.schedule.failures++;
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      this.emit({ type: 'schedule', scheduleId: this.schedule.id, trigger, outcome: 'failed', error: message });
      throw error;
    } finally {
      this.scheduledInFlight--;
      this.checkIdle();
    }
  }

  /**
   * A rule's Lambda target: EventBridge invokes it asynchronously with the event as the payload. The only function
   * target is the reconciler (its continuation), registered with setScheduledFunction. One attempt: the failure is
   * counted and reported as activity (Lambda's own async retries are not emulated).
   */
  private invokeFromRule(ruleId: string, event: CloudEvent): void {
    const target = this.scheduledTarget;
    if (!target) {
      this.internalErrors.push(new Error(`rule ${ruleId} targets the reconciler, but no scheduled function is registered`));
      this.checkIdle();
      return;
    }
    const context = this.hubFunctionContext(target);
    this.scheduledInFlight++;
    this.counters.functionTargets.invocations++;
    const payload = structuredClone(event);
    const report = { type: 'invoke' as const, rule: ruleId, functionName: target.functionName, eventId: event.id };
    // Started on a later turn, as the Lambda service would: PutEvents has already answered the caller.
    setImmediate(() => {
      target
        .handler(payload, context)
        .then(
          () => this.emit({ ...report, outcome: 'succeeded' }),
          (error: unknown) => {
            this.counters.functionTargets.failures++;
            const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
            this.emit({ ...report, outcome: 'failed', error: message });
          },
        )
        .finally(() => {
          this.scheduledInFlight--;
          this.checkIdle();
        })
        .catch((error: unknown) => {
          // A throwing activity listener is a bug of the caller's, surfaced through idle().
          this.internalErrors.push(error);
          this.checkIdle();
        });
    });
  }

  private emit(activity: BusActivity): void {
    for (const listener of this.listeners) listener(activity);
  }

  private checkIdle(): void {
    if (this.idleWaiters.length === 0) return;
    const [error] = this.internalErrors;
    if (error !== undefined) {
      for (const waiter of this.idleWaiters.splice(0)) waiter.reject(error);
      return;
    }
    const settled =
      this.scheduledInFlight === 0 &&
      QUEUE_NAMES.every((name) => this.queues[name].isSettled() && (this.intakes[name]?.isSettled() ?? true));
    if (settled) for (const waiter of this.idleWaiters.splice(0)) waiter.resolve();
  }
}

/**
 * The intake as the pipe reads it: batches of the definition's size at once, no window. Pipes scales its SQS pollers
 * itself (there is no setting); the local pipe runs up to this many batches at once, which it never needs, since it
 * only forwards.
 */
const PIPE_POLLERS = 5;

function intakeSettings(intake: IntakeDefinition): QueueSettings {
  return {
    batchSize: intake.batchSize,
    batchingWindowSeconds: 0,
    maxReceiveCount: intake.maxReceiveCount,
    visibilityTimeoutSeconds: intake.visibilityTimeoutSeconds,
    functionTimeoutSeconds: intake.visibilityTimeoutSeconds,
    maxConcurrency: PIPE_POLLERS,
  };
}
