import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import type * as ecs from 'aws-cdk-lib/aws-ecs';
import type * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledgeIamWildcards } from '../nag-acknowledgements';

/** The Hub stack's resources the alarms watch. */
export interface DataPlaneResources {
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly targetGroup: elbv2.NetworkTargetGroup;
  /** The Squid access log: one JSON object per request, `decision` "allow" or "deny". */
  readonly accessLog: logs.ILogGroup;
  readonly natGateways: readonly { readonly availabilityZone: string; readonly natGatewayId: string }[];
  /** The fleet's configured minimum: fewer healthy targets or running tasks than this is an outage in the making. */
  readonly minTasks: number;
}

export interface DataPlaneAlarmsProps {
  readonly dataPlane: DataPlaneResources;
  /** The HubPipeline stack's pipeline: a failed execution leaves the fleet on its previous image. */
  readonly pipeline: codepipeline.IPipeline;
  /** The control plane's alarm topic (KMS-encrypted; CloudWatch may use its key, the pipeline rule publishes with a role). */
  readonly topic: sns.ITopic;
  readonly dashboard: cloudwatch.Dashboard;
  /** Names the custom metrics' namespace, so two deployments in one account do not add up. */
  readonly deploymentName: string;
}

const ONE_MINUTE = Duration.minutes(1);

/**
 * The data plane's alarms, sent to the control plane's alarm topic and shown on its dashboard: the Hub stack deploys
 * before the topic exists and cannot refer to it, so they live here and refer to the Hub and HubPipeline stacks.
 * - fewer healthy targets behind the load balancer, or running tasks, than the fleet's minimum; any unhealthy target
 *   for five minutes (a rolling deploy's new task is unhealthy for well under that);
 * - NAT gateway port allocation errors (connections to destinations fail) and dropped packets above 0.01 % of the
 *   gateway's packets (CloudWatch's recommended alarms for NAT gateways);
 * - a failed pipeline execution (an EventBridge rule to the topic: CodePipeline publishes no metric for it);
 * - a spike of denied requests in the Squid access log (an anomaly band, since normal denial rates differ per
 *   organization: a bad allowlist change or a misbehaving workload shows as a jump).
 */
export class DataPlaneAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly pipelineFailures: events.Rule;
  private readonly topic: sns.ITopic;

  constructor(scope: Construct, id: string, props: DataPlaneAlarmsProps) {
    super(scope, id);
    const { dataPlane, topic } = props;
    this.topic = topic;
    const { minTasks } = dataPlane;

    // The dimensions from the resources' full-name attributes: the target group's own metrics derive the load balancer's
    // from its ARN with Fn::Split, which across stacks would split a weak reference (cfn-lint E1022).
    const targetGroupMetric = (metricName: string, statistic: string) =>
      new cloudwatch.Metric({
        namespace: 'AWS/NetworkELB',
        metricName,
        dimensionsMap: { LoadBalancer: dataPlane.loadBalancer.loadBalancerFullName, TargetGroup: dataPlane.targetGroup.targetGroupFullName },
        statistic,
        period: ONE_MINUTE,
      });
    const healthy = targetGroupMetric('HealthyHostCount', 'Minimum');
    const unhealthy = targetGroupMetric('UnHealthyHostCount', 'Maximum');
    this.alarm('HealthyProxiesBelowMinimum', healthy, {
      description: `Fewer than ${minTasks} healthy Squid targets behind the load balancer (the fleet's minimum)`,
      threshold: minTasks,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    this.alarm('UnhealthyProxies', unhealthy, {
      description: 'A Squid target has failed the load balancer\'s health check for five minutes',
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 5,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    const runningTasks = new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName: 'RunningTaskCount',
      dimensionsMap: { ClusterName: dataPlane.service.cluster.clusterName, ServiceName: dataPlane.service.serviceName },
      statistic: 'Minimum',
      period: ONE_MINUTE,
    });
    this.alarm('RunningTasksBelowMinimum', runningTasks, {
      description: `The Squid service runs fewer than ${minTasks} tasks (the fleet's minimum)`,
      threshold: minTasks,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });

    const natMetrics = dataPlane.natGateways.map(({ availabilityZone, natGatewayId }, index) => {
      const nat = (metricName: string, statistic = 'Sum') =>
        new cloudwatch.Metric({ namespace: 'AWS/NATGateway', metricName, dimensionsMap: { NatGatewayId: natGatewayId }, statistic, period: ONE_MINUTE });
      const portErrors = nat('ErrorPortAllocation').with({ period: Duration.minutes(5) });
      // Ids unique per gateway: the dashboard graphs every gateway's expression together.
      const dropped = new cloudwatch.MathExpression({
        expression: `100 * dropped${index} / (fromSource${index} + fromDestination${index})`,
        usingMetrics: {
          [`dropped${index}`]: nat('PacketsDropCount'),
          [`fromSource${index}`]: nat('PacketsInFromSource'),
          [`fromDestination${index}`]: nat('PacketsInFromDestination'),
        },
        period: ONE_MINUTE,
        label: `dropped packets % ${availabilityZone}`,
      });
      this.alarm(`NatPortAllocationErrors-${availabilityZone}`, portErrors, {
        description: `The NAT gateway in ${availabilityZone} could not allocate a source port: proxied connections fail`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      this.alarm(`NatDroppedPackets-${availabilityZone}`, dropped, {
        description: `The NAT gateway in ${availabilityZone} dropped more than 0.01 % of its packets for five minutes`,
        threshold: 0.01,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 5,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      return { portErrors: portErrors.with({ label: `port allocation errors ${availabilityZone}` }), dropped };
    });

    const namespace = `EgressProxy/${props.deploymentName}`;
    new logs.MetricFilter(this, 'DeniedRequestsFilter', {
      logGroup: dataPlane.accessLog,
      metricNamespace: namespace,
      metricName: 'DeniedRequests',
      filterPattern: logs.FilterPattern.stringValue('$.decision', '=', 'deny'),
      metricValue: '1',
      defaultValue: 0,
    });
    const denied = new cloudwatch.Metric({ namespace, metricName: 'DeniedRequests', statistic: 'Sum', period: Duration.minutes(5) });
    const deniedSpike = new cloudwatch.AnomalyDetectionAlarm(this, 'DeniedRequestsSpike', {
      metric: denied,
      stdDevs: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_UPPER_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      alarmDescription: 'Denied requests jumped above their usual band: an allowlist or policy change, or a workload calling out where it may not',
    });
    deniedSpike.addAlarmAction(new actions.SnsAction(topic));
    this.alarms.push(deniedSpike);

    // EventBridge publishes with a role of its own, limited to this rule (named, so the trust policy can name it without
    // a reference cycle): no service-wide grant on the topic or its key.
    const ruleName = `${props.deploymentName}-PipelineFailed`;
    const stack = Stack.of(this);
    const publisher = new iam.Role(this, 'PipelineFailedPublisher', {
      description: 'EventBridge publishes failed configuration pipeline executions to the alarm topic',
      assumedBy: new iam.ServicePrincipal('events.amazonaws.com').withConditions({
        StringEquals: {
          'aws:SourceAccount': stack.account,
          'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: ruleName }),
        },
      }),
    });
    this.pipelineFailures = new events.Rule(this, 'PipelineFailed', {
      ruleName,
      description: 'A failed execution of the egress proxy configuration pipeline (the fleet stays on its previous image)',
      eventPattern: {
        source: ['aws.codepipeline'],
        detailType: ['CodePipeline Pipeline Execution State Change'],
        detail: { state: ['FAILED'], pipeline: [props.pipeline.pipelineName] },
      },
      targets: [
        new targets.SnsTopic(topic, {
          role: publisher,
          message: events.RuleTargetInput.fromText(
            `Egress proxy pipeline ${events.EventField.fromPath('$.detail.pipeline')} execution ${events.EventField.fromPath('$.detail.execution-id')} failed at ${events.EventField.time}`,
          ),
        }),
      ],
    });
    acknowledgeIamWildcards(publisher, ['Action::kms:GenerateDataKey*'], 'The SNS grant on the alarm topic\'s own key (the statement names the key ARN)');
    const pipelineFailureCount = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'MatchedEvents',
      dimensionsMap: { RuleName: this.pipelineFailures.ruleName },
      statistic: 'Sum',
      period: Duration.minutes(5),
      label: 'failed pipeline executions',
    });

    props.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '## Data plane (Hub and HubPipeline stacks)', width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'Proxy targets and tasks',
        left: [healthy.with({ label: 'healthy targets' }), unhealthy.with({ label: 'unhealthy targets' }), runningTasks.with({ label: 'running tasks' })],
        leftAnnotations: [{ value: minTasks, label: 'minimum tasks' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'NAT gateways',
        left: natMetrics.map((m) => m.portErrors),
        right: natMetrics.map((m) => m.dropped),
        width: 8,
      }),
      new cloudwatch.GraphWidget({ title: 'Denied requests and pipeline failures', left: [denied.with({ label: 'denied requests' })], right: [pipelineFailureCount], width: 8 }),
      new cloudwatch.AlarmStatusWidget({ title: 'Data plane alarms', alarms: this.alarms, width: 24 }),
    );
  }

  private alarm(
    id: string,
    metric: cloudwatch.IMetric,
    options: Omit<cloudwatch.CreateAlarmOptions, 'alarmDescription'> & { readonly description: string },
  ): void {
    const { description, ...rest } = options;
    const alarm = new cloudwatch.Alarm(this, id, { metric, alarmDescription: description, ...rest });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
