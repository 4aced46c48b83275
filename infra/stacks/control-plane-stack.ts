import { Aws, CfnOutput, Duration, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type * as logs from 'aws-cdk-lib/aws-logs';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { toCdkEventPattern } from '../../events/cdk-pattern';
import { buildRoutes, MAPPING_PUBLISH_SCHEDULE, QUEUES, QUEUE_NAMES, RECONCILER_SCHEDULE, routesOn, type QueueName } from '../../events/routes';
import {
  CONTROL_PLANE_FUNCTIONS,
  controlPlaneRoleName,
  hubBusName,
  organizationsReadRoleArn,
  routeOptions,
  type ControlPlaneConfig,
  type ControlPlaneFunction as FunctionName,
} from '../control-plane-config';
import { AuditQueryDefinitions } from '../constructs/audit-queries';
import { ConnectionNotifications } from '../constructs/connection-notifications';
import { ControlPlaneAlarms } from '../constructs/control-plane-alarms';
import { DataPlaneAlarms, type DataPlaneResources } from '../constructs/data-plane-alarms';
import { ControlPlaneFunction } from '../constructs/control-plane-function';
import { acknowledgeControlPlaneWildcards, controlPlaneStatements } from '../constructs/control-plane-permissions';
import { ControlPlaneQueue } from '../constructs/control-plane-queue';
import { deadLetterQueuePhysicalName, RECONCILER_SCHEDULE_QUEUE } from '../../events/queue-names';
import { DiscoveryShare } from '../constructs/discovery-share';
import { HubEventBus } from '../constructs/hub-event-bus';
import { policyStoreStatements, shardWildcardFinding } from '../constructs/policy-store';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';
import { policyStoreBucketName } from '../config';
import type { ProxyEndpointService } from '../constructs/proxy-endpoint-service';
import { SQUID_CONTRACT } from '../squid-contract';
import { functionSizing, QUEUE_CONSUMERS, queueOf } from '../function-sizing';

// Where they used to be defined: the infra tests and any other reader keep importing them from the stack.
export { QUEUE_CONSUMERS, queueOf };

export interface ControlPlaneStackProps extends StackProps {
  readonly config: ControlPlaneConfig;
  /** The hub data plane's endpoint service: its id, name and discovery parameters. */
  readonly endpointService: ProxyEndpointService;
  /** The Hub and HubPipeline stacks' resources whose alarms go to this stack's topic and dashboard. */
  readonly dataPlane: DataPlaneResources;
  readonly pipeline: codepipeline.IPipeline;
}

/**
 * The reconciler's reserved concurrency. A run is one chain of invocations (each continuation starts after the
 * previous one returned), so two at once cover a scheduled chain plus an operator's `plan`/`reconcile` or the next
 * hour's schedule overlapping a long chain. As a ceiling it bounds what any burst of triggers can cost (two 1,024 MB
 * invocations, whatever reaches the function); as a reservation the account reconcilers (up to 50 at once) and the
 * onboarding functions cannot take the pool it needs. Asynchronous invocations over the ceiling (schedule,
 * continuations) wait in Lambda's own queue and are retried until the function's maximum event age (6 hours by
 * default), not lost; a synchronous one (the CLI's --function-name) gets TooManyRequestsException.
 * Lambda refuses the deployment if it would leave the account fewer than its minimum unreserved executions (100 on
 * an account with the default quota of 1,000; new accounts with a quota of 10 must ask for more first).
 */
const RECONCILER_RESERVED_CONCURRENCY = 2;
/** Who writes what in the policy store: account shards by the converging functions, the mapping by its publisher. */
const POLICY_STORE_ACCESS: Readonly<Record<FunctionName, 'shards' | 'publish' | undefined>> = {
  'account-onboarding': 'shards',
  'vpc-onboarding': 'shards',
  'connection-acceptance': undefined,
  reconciler: 'shards',
  'account-reconciler': 'shards',
  'mapping-publisher': 'publish',
};


function policyStoreGrants(bucketName: string, fn: FunctionName) {
  const access = POLICY_STORE_ACCESS[fn];
  return access === undefined ? [] : policyStoreStatements(bucketName, access);
}

/**
 * The hub's control plane: the bus spoke and management accounts forward to, the rules from events/routes.ts, a
 * queue per function, the four functions, the connection notifications, the reconciler's schedule, and the alarms.
 */
export class ControlPlaneStack extends Stack {
  readonly bus: HubEventBus;
  readonly queues: Record<QueueName, ControlPlaneQueue>;
  readonly functions: Record<FunctionName, ControlPlaneFunction>;
  readonly rules: Record<string, events.Rule>;
  readonly reconcilerSchedule: events.Rule;
  readonly mappingPublishSchedule: events.Rule;

  constructor(scope: Construct, id: string, props: ControlPlaneStackProps) {
    super(scope, id, props);
    const { config, endpointService } = props;
    // The hub data plane's policy store, by its derived name: the control plane writes the endpoint mapping there.
    const policyBucket = policyStoreBucketName(config.hub);
    const logRetention: logs.RetentionDays = config.hub.logRetentionDays;

    this.bus = new HubEventBus(this, 'HubBus', {
      eventBusName: hubBusName(config),
      organizationId: config.organizationId,
      hubAccountId: config.hub.env.account,
      managementAccountId: config.managementAccount,
    });
    const share = new DiscoveryShare(this, 'DiscoveryShare', {
      name: `${config.hub.deploymentName}-egress-proxy-discovery`,
      parameterArns: Object.values(endpointService.parameters).map((parameter) => parameter.parameterArn),
    });
    this.queues = Object.fromEntries(
      QUEUE_NAMES.map((name) => [name, new ControlPlaneQueue(this, `${name}-queue`, { definition: QUEUES[name], deploymentName: config.hub.deploymentName })]),
    ) as Record<QueueName, ControlPlaneQueue>;

    const endpointServiceArn = this.formatArn({
      service: 'ec2',
      resource: 'vpc-endpoint-service',
      resourceName: endpointService.serviceId,
    });
    const environment = {
      HUB_SERVICE_ID: endpointService.serviceId,
      HUB_SERVICE_NAME: endpointService.serviceName,
      HUB_EVENT_BUS_NAME: this.bus.bus.eventBusName,
      ORG_READ_ROLE_ARN: organizationsReadRoleArn(config),
      RAM_SHARE_ARN: share.shareArn,
      IN_SCOPE_OU_IDS: config.spokeOrganizationalUnitIds.join(','),
      EXCLUDED_ACCOUNT_IDS: config.excludedAccountIds.join(','),
      SPOKE_ROLE_NAME: config.roleNames.spoke,
      PROXY_TAG_KEY: config.proxyTag.key,
      PROXY_TAG_VALUE: config.proxyTag.value,
      POLICY_TAG_KEY: config.policyTagKey,
      POLICY_BUCKET: policyBucket,
      PROXY_PORT: String(SQUID_CONTRACT.proxyPort),
      PARTITION: Aws.PARTITION,
    };
    const resources = {
      endpointServiceArn,
      hubBusArn: this.bus.bus.eventBusArn,
      resourceShareArn: share.shareArn,
      organizationsReadRoleArn: organizationsReadRoleArn(config),
      spokeRoleName: config.roleNames.spoke,
      organizationId: config.organizationId,
      acceptanceQueueArn: this.queues['connection-acceptance'].queue.queueArn,
    };
    // Only acceptance defers notifications, back onto its own queue (functions/handlers/connection-acceptance.ts), and
    // its environments (as many as its event source's maximum concurrency) share the hub's Accept bucket.
    const environmentOf = (name: FunctionName) =>
      name === 'connection-acceptance'
        ? {
            ...environment,
            ACCEPTANCE_QUEUE_URL: this.queues['connection-acceptance'].queue.queueUrl,
            HUB_CONNECTION_CALLERS: String(QUEUES['connection-acceptance'].maxConcurrency),
          }
        : environment;
    const describe: Record<FunctionName, string> = {
      'account-onboarding': 'Allows in-scope accounts on the egress proxy endpoint service and shares its discovery parameters',
      'vpc-onboarding': 'Creates or deletes the egress proxy endpoint in VPCs tagged for the proxy',
      'connection-acceptance': 'Accepts endpoint connections from onboarded VPCs and rejects the rest',
      reconciler: 'Converges the whole organization to the desired state (scheduled; invoke with {"dryRun":true} for a plan)',
      'account-reconciler': "Converges one account's VPCs for the reconciler's fan-out",
      'mapping-publisher': 'Compiles the endpoint-to-policy mapping the Squid fleet reads from the account shards',
    };
    this.functions = Object.fromEntries(
      CONTROL_PLANE_FUNCTIONS.map((name) => {
        const sizing = functionSizing(name);
        const fn = new ControlPlaneFunction(this, name, {
          name,
          roleName: controlPlaneRoleName(config, name),
          description: describe[name],
          environment: environmentOf(name),
          timeout: Duration.seconds(sizing.timeoutSeconds),
          memorySize: sizing.memoryMb,
          logRetention,
          statements: [...controlPlaneStatements(name, resources), ...policyStoreGrants(policyBucket, name)],
          // A failed fan-out invocation has already published work items (and maybe its continuation): a retry would
          // publish them again and fork the continuation chain. Its errors alarm; the next scheduled run repairs.
          ...(name === 'reconciler' ? { asyncRetryAttempts: 0, reservedConcurrency: RECONCILER_RESERVED_CONCURRENCY } : {}),
        });
        acknowledgeControlPlaneWildcards(fn.role, name, resources);
        if (POLICY_STORE_ACCESS[name] !== undefined) {
          acknowledgeIamWildcards(fn.role, [shardWildcardFinding(policyBucket)], 'Shards are one object per account (mapping/accounts/<id>.json), created as accounts get endpoints');
        }
        return [name, fn];
      }),
    ) as Record<FunctionName, ControlPlaneFunction>;

    for (const name of QUEUE_NAMES) {
      const definition = QUEUES[name];
      this.functions[QUEUE_CONSUMERS[name]].function.addEventSource(
        new SqsEventSource(this.queues[name].queue, {
          batchSize: definition.batchSize,
          // A FIFO queue takes no batching window.
          ...(definition.batchingWindowSeconds === 0 ? {} : { maxBatchingWindow: Duration.seconds(definition.batchingWindowSeconds) }),
          reportBatchItemFailures: true,
          maxConcurrency: definition.maxConcurrency,
        }),
      );
    }

    // Invocations of the reconciler that EventBridge could not deliver: its schedule's and its continuations'.
    const reconcilerDeadLetters = new sqs.Queue(this, 'ReconcilerScheduleDeadLetters', {
      queueName: deadLetterQueuePhysicalName(config.hub.deploymentName, RECONCILER_SCHEDULE_QUEUE),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(reconcilerDeadLetters).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This is a dead-letter queue itself (the schedule target\'s), which cdk-nag cannot tell from a rule target DLQ',
    });
    const invokeReconciler = () =>
      new targets.LambdaFunction(this.functions.reconciler.function, {
        deadLetterQueue: reconcilerDeadLetters,
        retryAttempts: 2,
        // A missed run is repaired by the next one; an hour-old trigger only adds load.
        maxEventAge: Duration.hours(1),
      });

    this.rules = {};
    for (const route of routesOn(buildRoutes(routeOptions(config)), 'hub')) {
      const { target } = route;
      if (target.kind === 'hub-bus') throw new Error(`hub route ${route.id} cannot forward to the hub bus itself`);
      const queue = target.kind === 'queue' ? this.queues[target.queue] : undefined;
      this.rules[route.id] = new events.Rule(this, route.id, {
        eventBus: this.bus.bus,
        description: route.description,
        eventPattern: toCdkEventPattern(route.pattern),
        // Delivery failures (for example a queue policy problem) land next to processing failures.
        targets: [queue === undefined ? invokeReconciler() : new targets.SqsQueue(queue.ruleTarget.queue, { deadLetterQueue: queue.ruleTarget.deadLetterQueue })],
      });
    }

    const connectionQueues = QUEUE_NAMES.filter((name) => QUEUES[name].subscribesToConnectionNotifications);
    for (const name of connectionQueues) {
      new ConnectionNotifications(this, `${name}-notifications`, { serviceId: endpointService.serviceId, queue: this.queues[name].queue });
    }

    this.reconcilerSchedule = new events.Rule(this, RECONCILER_SCHEDULE.id, {
      description: RECONCILER_SCHEDULE.description,
      schedule: events.Schedule.expression(RECONCILER_SCHEDULE.expression),
      targets: [invokeReconciler()],
    });

    // The publisher's backstop: a scheduled trigger on its own queue, batched with whatever else is waiting there.
    const publishQueue = this.queues['mapping-publish'];
    this.mappingPublishSchedule = new events.Rule(this, MAPPING_PUBLISH_SCHEDULE.id, {
      description: MAPPING_PUBLISH_SCHEDULE.description,
      schedule: events.Schedule.expression(MAPPING_PUBLISH_SCHEDULE.expression),
      targets: [new targets.SqsQueue(publishQueue.queue, { deadLetterQueue: publishQueue.deadLetterQueue })],
    });

    const monitored = CONTROL_PLANE_FUNCTIONS.map((name) => ({
      name,
      function: this.functions[name].function,
      logGroup: this.functions[name].logGroup,
    }));
    new AuditQueryDefinitions(this, 'AuditQueries', { logGroups: monitored.map((m) => m.logGroup), folder: config.hub.deploymentName });
    const alarms = new ControlPlaneAlarms(this, 'Alarms', {
      functions: monitored,
      queues: QUEUE_NAMES.map((name) => ({ name, ...this.queues[name] })),
      otherDeadLetterQueues: [
        { name: 'reconciler-schedule', queue: reconcilerDeadLetters },
        ...QUEUE_NAMES.flatMap((name) => {
          const intake = this.queues[name].intake;
          return intake === undefined ? [] : [{ name: `${name}-intake`, queue: intake.deadLetterQueue }];
        }),
      ],
      dashboardName: `${config.hub.deploymentName}-control-plane`,
    });
    new DataPlaneAlarms(this, 'DataPlaneAlarms', {
      dataPlane: props.dataPlane,
      pipeline: props.pipeline,
      topic: alarms.topic,
      dashboard: alarms.dashboard,
      deploymentName: config.hub.deploymentName,
    });

    const reconciler = this.functions.reconciler.function.functionName;
    new CfnOutput(this, 'HubEventBusArn', { value: this.bus.bus.eventBusArn });
    new CfnOutput(this, 'AlarmTopicArn', { value: alarms.topic.topicArn, description: 'Subscribe operators to the alarms' });
    new CfnOutput(this, 'ReconcileDryRun', {
      description: 'Prints the plan for the whole organization without changing anything',
      value: `aws lambda invoke --function-name ${reconciler} --cli-binary-format raw-in-base64-out --payload '{"dryRun":true}' plan.json`,
    });
    new CfnOutput(this, 'ReconcileApply', {
      description: 'Converges the whole organization now, inline, instead of waiting for the schedule (small organizations)',
      value: `aws lambda invoke --function-name ${reconciler} --cli-binary-format raw-in-base64-out --payload '{"dryRun":false}' plan.json`,
    });
    new CfnOutput(this, 'ReconcileFanOut', {
      description: 'Starts a whole-organization apply fanned out per account, as the schedule does; returns a summary',
      value: `aws lambda invoke --function-name ${reconciler} --cli-binary-format raw-in-base64-out --payload '{"fanOut":true}' summary.json`,
    });
  }
}
