/**
 * The control plane as the CDK app deploys it, run in this process: the local cloud, the hub resources,
 * the local event bus with the topology of events/routes.ts, and the real Lambda entry files as the
 * queue consumers and the scheduled reconciler (also the target of its own continuation rule).
 *
 * The handlers are imported only after the process environment looks like their Lambda environment
 * (endpoint, region, the control plane role's credentials, the configuration variables), because they
 * read it at cold start exactly as in Lambda.
 */
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { LOCAL_DEFAULTS } from '../cloud/api';
import { startLocalCloud, type LocalCloud, type LocalCloudOptions } from '../cloud';
import { HUB_BUS_NAME, QUEUE_NAMES, QUEUES } from '../../events/routes';
import {
  DEFAULT_DEPLOYMENT_NAME,
  deadLetterQueuePhysicalName,
  intakeDeadLetterQueuePhysicalName,
  intakeQueuePhysicalName,
  queuePhysicalName,
} from '../../events/queue-names';
import type { HostedQueue, HostedQueueDefinition } from '../cloud/api';
import { wallClock } from '../../functions/shared/wall-clock';
import { CONTROL_PLANE_FUNCTIONS, type ControlPlaneFunction } from '../../infra/control-plane-config';
import { functionSizing, QUEUE_CONSUMERS } from '../../infra/function-sizing';
import { LocalEventBus, type LocalEventBusOptions, type LocalQueue, type ScheduledFunction, type SqsConsumer } from '../bus';
import type { FunctionProcessStats } from './function-processes';
import { inProcessHandlers, localFunctionName, processHandlers, type FunctionProcessSettings } from './function-handlers';
import { bootstrapHub, type Credentials, type HubResources } from './hub-bootstrap';
import { copyHandlerLogsTo, functionLogGroup } from './handler-logs';

export { functionLogGroup };

export interface LocalControlPlaneOptions {
  cloud?: LocalCloudOptions;
  bus?: Omit<LocalEventBusOptions, 'managementAccountId' | 'hubAccountId' | 'hubRegion' | 'connectionNotificationTopicArns' | 'ruleDelivery' | 'now'>;
  /** Extra control plane settings (IN_SCOPE_OU_IDS, EXCLUDED_ACCOUNT_IDS, PROXY_TAG_KEY, ...). */
  settings?: Record<string, string>;
  /** Run the reconciler on its schedule (off by default: tests and the demo invoke it explicitly). */
  schedule?: boolean;
  /**
   * Runs once the cloud and the hub exist, before the handlers' cold start: what an operator creates before
   * deploying (OUs, accounts to exclude). The settings it returns are merged over `settings`.
   */
  beforeHandlers?: (cloud: LocalCloud, hub: HubResources) => Promise<Record<string, string> | void>;
  /**
   * Run each function in its own execution environments (child processes: one invocation each at a time, the
   * function's timeout in emulated time, cold starts and peak memory measured) instead of importing the handlers
   * into this process. The benchmarks use it; tests and the demo keep the handlers in process.
   */
  functionProcesses?: FunctionProcessSettings;
}

export interface LocalControlPlane {
  readonly cloud: LocalCloud;
  readonly bus: LocalEventBus;
  readonly hub: HubResources;
  readonly region: string;
  /** The environment the handlers run with (without the secret). */
  readonly environment: Record<string, string>;
  /**
   * Invoke the reconciler as an operator would (`{ "dryRun": true }`, `{ "fanOut": true }`), through the bus's
   * function runner. A fan-out run resolves once its work items are published: await idle() for the accounts.
   */
  reconcile(input?: { dryRun?: boolean; accountIds?: string[]; fanOut?: boolean }): Promise<unknown>;
  /** Resolves once every queue is drained and no handler runs. */
  idle(): Promise<void>;
  /** Invocations, timeouts, durations and peak memory per function, when they run in their own processes. */
  functionStats(): Readonly<Record<ControlPlaneFunction, FunctionProcessStats>> | undefined;
  stop(): Promise<void>;
}

export async function startLocalControlPlane(options: LocalControlPlaneOptions = {}): Promise<LocalControlPlane> {
  const cloud = await startLocalCloud(options.cloud ?? {});
  const realWallClock = wallClock.now;
  try {
    const region = LOCAL_DEFAULTS.hubRegion;
    const hubAccountId = cloud.world.hubAccountId;
    const managementAccountId = cloud.world.managementAccountId;
    const hubRoot: Credentials = { accessKeyId: hubAccountId, secretAccessKey: 'local' };
    const hub = await bootstrapHub({ endpoint: cloud.url, region, hubAccountId, credentials: hubRoot });
    const roleCredentials = await assumeControlPlaneRole(cloud.url, region, hubAccountId, hubRoot);
    const settings: Record<string, string> = { ...options.settings, ...(await options.beforeHandlers?.(cloud, hub)) };

    const environment: Record<string, string> = {
      AWS_ENDPOINT_URL: cloud.url,
      AWS_REGION: region,
      AWS_DEFAULT_REGION: region,
      HUB_SERVICE_ID: hub.serviceId,
      HUB_SERVICE_NAME: hub.serviceName,
      HUB_EVENT_BUS_NAME: HUB_BUS_NAME,
      ORG_READ_ROLE_ARN: `arn:aws:iam::${managementAccountId}:role/${LOCAL_DEFAULTS.organizationsReadRoleName}`,
      RAM_SHARE_ARN: hub.discoveryShareArn,
      POLICY_BUCKET: hub.policyBucket,
      SPOKE_ROLE_NAME: LOCAL_DEFAULTS.spokeRoleName,
      POWERTOOLS_SERVICE_NAME: 'egress-control-plane',
      // Acceptance returns the notifications it defers to its own queue (the SQS API serves it under its AWS name).
      // The CDK app gives this to the acceptance function only; here every function sees it and only acceptance uses it.
      ACCEPTANCE_QUEUE_URL: `${cloud.url}/${hubAccountId}/${queuePhysicalName(DEFAULT_DEPLOYMENT_NAME, 'connection-acceptance')}`,
      ...settings,
    };
    Object.assign(process.env, environment, sessionVariables(roleCredentials));

    const bus = new LocalEventBus({
      ...options.bus,
      managementAccountId,
      hubAccountId,
      hubRegion: region,
      ...(settings.PROXY_TAG_KEY ? { proxyTagKey: settings.PROXY_TAG_KEY } : {}),
      ...(settings.POLICY_TAG_KEY ? { policyTagKey: settings.POLICY_TAG_KEY } : {}),
      connectionNotificationTopicArns: [hub.notificationTopicArn],
      // Forwards to the hub bus are judged by its policy, as EventBridge judges them.
      ruleDelivery: cloud.ruleDelivery,
      // The bus stamps records, envelopes and contexts on the cloud's emulated clock, as the cloud stamps its own
      // timestamps: a record's SentTimestamp then compares with a connection's CreationTimestamp at any time scale.
      now: () => cloud.world.clock.now(),
    });
    cloud.setSinks(bus);
    const stopCopyingLogs = copyHandlerLogsTo(cloud);

    // Handlers compare the cloud's timestamps (a connection's CreationTimestamp) with their wall clock, which must then
    // run on the cloud's emulated time: here directly, in a function's own process from a shared reading of it.
    wallClock.now = () => cloud.world.clock.now();
    const clockSync = { realAt: Date.now(), emulatedAt: cloud.world.clock.now() };
    // In process, imported only now: their cold start reads the environment set above. In their own processes, that
    // environment (with the role's credentials) is theirs.
    const functions = options.functionProcesses
      ? await processHandlers(options.functionProcesses, { accountId: hubAccountId, region, clockSync }, { ...environment, ...sessionVariables(roleCredentials), ...passedThrough() }, {
          // As the CDK app sets it: acceptance's environments, each its own process here, share the hub's Accept
          // bucket. In process, concurrent invocations share one handler module and so one pacer: no share there.
          'connection-acceptance': { HUB_CONNECTION_CALLERS: String(QUEUES['connection-acceptance'].maxConcurrency) },
        })
      : await inProcessHandlers();
    for (const queue of QUEUE_NAMES) {
      const fn = QUEUE_CONSUMERS[queue];
      bus.setConsumer(queue, functions.handlers[fn] as SqsConsumer, { functionName: localFunctionName(fn), memoryMb: functionSizing(fn).memoryMb });
    }
    const reconciler: ScheduledFunction = functions.handlers.reconciler;
    bus.setScheduledFunction(reconciler, { functionName: localFunctionName('reconciler'), timeoutSeconds: functionSizing('reconciler').timeoutSeconds });
    // Lambda Invoke on the local cloud reaches the same handler through the bus's function runner, so
    // `npx egress plan --function-name egress-reconciler` works against `npm run local`.
    cloud.setFunctions({ 'egress-reconciler': { handler: (event) => bus.invokeScheduledFunction(event), timeoutSeconds: 900 } });
    // The hub queues over SQS, under the names the CDK app gives them: `npx egress dead-letters` reads and redrives them.
    cloud.setQueues(hostedQueues(bus));
    if (options.schedule) bus.startSchedule();

    return {
      cloud,
      bus,
      hub,
      region,
      environment,
      reconcile: (input = {}) => bus.invokeScheduledFunction(input),
      idle: () => bus.idle(),
      functionStats: () => functions.stats(),
      stop: async () => {
        stopCopyingLogs();
        bus.close();
        await functions.close();
        cloud.setSinks(undefined);
        cloud.setFunctions(undefined);
        cloud.setQueues(undefined);
        wallClock.now = realWallClock;
        await cloud.stop();
      },
    };
  } catch (err) {
    wallClock.now = realWallClock;
    await cloud.stop();
    throw err;
  }
}

/** The functions the runner registers, named as the local bus and the Lambda contexts name them. */
export const FUNCTION_NAMES = CONTROL_PLANE_FUNCTIONS.map(localFunctionName);

/**
 * Each hub queue of the bus as the SQS API serves it, named as in AWS for the default deployment name: the grouped
 * (FIFO) queue with its `.fifo` names, and its standard intake with the intake's own dead-letter queue.
 */
function hostedQueues(bus: LocalEventBus): Record<string, HostedQueueDefinition> {
  const hosted: [string, HostedQueueDefinition][] = QUEUE_NAMES.flatMap((name) => {
    const intake = bus.intake(name);
    const queue: [string, HostedQueueDefinition] = [
      queuePhysicalName(DEFAULT_DEPLOYMENT_NAME, name),
      { queue: hostedQueue(bus.queue(name)), deadLetterQueueName: deadLetterQueuePhysicalName(DEFAULT_DEPLOYMENT_NAME, name) },
    ];
    if (intake === undefined) return [queue];
    return [
      queue,
      [intakeQueuePhysicalName(DEFAULT_DEPLOYMENT_NAME, name), { queue: hostedQueue(intake), deadLetterQueueName: intakeDeadLetterQueuePhysicalName(DEFAULT_DEPLOYMENT_NAME, name) }],
    ];
  });
  return Object.fromEntries(hosted);
}

function hostedQueue(queue: LocalQueue): HostedQueue {
  return {
    maxReceiveCount: queue.settings.maxReceiveCount,
    fifo: queue.isFifo,
    depth: () => {
      const stats = queue.stats();
      return { visible: stats.visible, notVisible: stats.inFlight + stats.delayed, delayed: stats.timed };
    },
    send: (body, senderId, delaySeconds, attributes) => queue.send(body, senderId, undefined, delaySeconds, attributes),
    deadLetters: () => queue.deadLetters(),
    deleteDeadLetter: (messageId) => queue.deleteDeadLetter(messageId),
    redrive: (messageIds) => queue.redrive(messageIds),
  };
}

function sessionVariables(credentials: Credentials): Record<string, string> {
  return { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken ?? '' };
}

/** What this process's caller set for the functions' logs (the benchmarks silence the audit trail). */
function passedThrough(): Record<string, string> {
  const level = process.env.POWERTOOLS_LOG_LEVEL;
  return level === undefined ? {} : { POWERTOOLS_LOG_LEVEL: level };
}

/** Lambda runs as its execution role: get that role's session, as the Lambda service would. */
async function assumeControlPlaneRole(endpoint: string, region: string, hubAccountId: string, hubRoot: Credentials): Promise<Credentials> {
  const sts = new STSClient({ endpoint, region, credentials: hubRoot });
  try {
    const { Credentials: session } = await sts.send(
      new AssumeRoleCommand({
        RoleArn: `arn:aws:iam::${hubAccountId}:role/${LOCAL_DEFAULTS.controlPlaneRoleName}`,
        RoleSessionName: 'egress-control-plane',
      }),
    );
    if (!session?.AccessKeyId || !session.SecretAccessKey) throw new Error('AssumeRole returned no credentials');
    return { accessKeyId: session.AccessKeyId, secretAccessKey: session.SecretAccessKey, ...(session.SessionToken ? { sessionToken: session.SessionToken } : {}) };
  } finally {
    sts.destroy();
  }
}
