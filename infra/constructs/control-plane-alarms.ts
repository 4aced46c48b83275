import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** The namespace of the metrics the audit trail's metric filters publish. */
export const METRIC_NAMESPACE = 'EgressControlPlane';

export interface MonitoredFunction {
  readonly name: string;
  readonly function: lambda.IFunction;
  readonly logGroup: logs.ILogGroup;
}

export interface MonitoredQueue {
  readonly name: string;
  readonly queue: sqs.IQueue;
  readonly deadLetterQueue: sqs.IQueue;
}

export interface ControlPlaneAlarmsProps {
  readonly functions: readonly MonitoredFunction[];
  readonly queues: readonly MonitoredQueue[];
  /** Dead-letter queues that belong to no input queue (rule-target delivery failures). */
  readonly otherDeadLetterQueues: readonly { readonly name: string; readonly queue: sqs.IQueue }[];
  readonly dashboardName: string;
}

/**
 * Alarms on what needs an operator (audit errors, function errors, anything in a dead-letter queue), sent to one
 * encrypted topic operators subscribe to, and one dashboard of the control plane's flow.
 */
export class ControlPlaneAlarms extends Construct {
  readonly topic: sns.Topic;
  readonly alarms: cloudwatch.Alarm[] = [];
  /** Other constructs add their rows (the data plane's). */
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: ControlPlaneAlarmsProps) {
    super(scope, id);
    const key = new kms.Key(this, 'Key', { description: 'Encrypts egress control plane alarm notifications', enableKeyRotation: true });
    // CloudWatch cannot publish to a topic encrypted with the AWS managed SNS key; it needs this grant.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchPublishes',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    this.topic = new sns.Topic(this, 'Topic', { masterKey: key, enforceSSL: true });

    const auditErrors = this.auditMetric('AuditErrors', 'error', props.functions);
    const rejections = this.auditMetric('AuditRejections', 'reject', props.functions);
    this.alarm('AuditErrors', auditErrors, 'An audit record with decision "error": a scope could not be converged');

    for (const fn of props.functions) {
      this.alarm(`${fn.name}-Errors`, fn.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }), `The ${fn.name} function failed`);
    }
    const deadLetters = [
      ...props.queues.map((q) => ({ name: q.name, queue: q.deadLetterQueue })),
      ...props.otherDeadLetterQueues,
    ];
    for (const dlq of deadLetters) {
      this.alarm(
        `${dlq.name}-DeadLetters`,
        dlq.queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
        `Messages in the ${dlq.name} dead-letter queue: inspect, fix, then redrive`,
      );
    }

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: [
        [
          new cloudwatch.GraphWidget({
            title: 'Queue depth',
            left: props.queues.map((q) => q.queue.metricApproximateNumberOfMessagesVisible({ label: q.name })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Dead-letter queue depth',
            left: deadLetters.map((d) => d.queue.metricApproximateNumberOfMessagesVisible({ label: d.name })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({ title: 'Audit errors and rejections', left: [auditErrors, rejections], width: 8 }),
        ],
        [
          new cloudwatch.GraphWidget({
            title: 'Invocations',
            left: props.functions.map((f) => f.function.metricInvocations({ label: f.name })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Errors',
            left: props.functions.map((f) => f.function.metricErrors({ label: f.name })),
            width: 8,
          }),
          new cloudwatch.GraphWidget({
            title: 'Duration (p95)',
            left: props.functions.map((f) => f.function.metricDuration({ label: f.name, statistic: 'p95' })),
            width: 8,
          }),
        ],
        [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 })],
        [
          new cloudwatch.LogQueryWidget({
            title: 'Latest audit decisions',
            logGroupNames: props.functions.map((f) => f.logGroup.logGroupName),
            queryLines: [
              'fields @timestamp, function_name, audit.action, audit.decision, audit.scope.accountId, audit.scope.vpcId, audit.reason',
              'filter message = "audit"',
              'sort @timestamp desc',
              'limit 100',
            ],
            width: 24,
          }),
        ],
      ],
    });
  }

  /** Counts audit records with one decision across every function's log group. */
  private auditMetric(metricName: string, decision: string, functions: readonly MonitoredFunction[]): cloudwatch.Metric {
    for (const fn of functions) {
      new logs.MetricFilter(this, `${metricName}-${fn.name}`, {
        logGroup: fn.logGroup,
        metricNamespace: METRIC_NAMESPACE,
        metricName,
        filterPattern: logs.FilterPattern.all(
          logs.FilterPattern.stringValue('$.message', '=', 'audit'),
          logs.FilterPattern.stringValue('$.audit.decision', '=', decision),
        ),
        metricValue: '1',
        defaultValue: 0,
      });
    }
    return new cloudwatch.Metric({ namespace: METRIC_NAMESPACE, metricName, statistic: 'Sum', period: Duration.minutes(5) });
  }

  private alarm(id: string, metric: cloudwatch.IMetric, description: string): void {
    const alarm = new cloudwatch.Alarm(this, id, {
      metric,
      alarmDescription: description,
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(new actions.SnsAction(this.topic));
    this.alarms.push(alarm);
  }
}
