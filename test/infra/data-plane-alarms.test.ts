/* Template assertions (template.hasResourceProperties and friends) throw on mismatch. */
/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "template.*"] }] */
import { Match, Template } from 'aws-cdk-lib/assertions';
import type { EgressApp } from '../../infra/app';
import { buildControlPlaneTestApp } from './control-plane-app';

const TOPIC = { Ref: Match.stringLikeRegexp('^AlarmsTopic') };

/** The data plane's alarms: the Hub stack's fleet, load balancer and NAT gateways, the HubPipeline's pipeline. */
describe('data plane alarms', () => {
  let egress: EgressApp;
  let template: Template;

  beforeAll(() => {
    egress = buildControlPlaneTestApp({ minTasks: 4 });
    template = Template.fromStack(egress.controlPlane.controlPlane);
  });

  it('alarms when the load balancer sees fewer healthy proxies than the minimum, or any unhealthy one for five minutes', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/NetworkELB',
      MetricName: 'HealthyHostCount',
      Statistic: 'Minimum',
      Threshold: 4,
      ComparisonOperator: 'LessThanThreshold',
      // No data means the load balancer reports no target at all.
      TreatMissingData: 'breaching',
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'LoadBalancer' }), Match.objectLike({ Name: 'TargetGroup' })]),
      AlarmActions: [TOPIC],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/NetworkELB',
      MetricName: 'UnHealthyHostCount',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 5,
      AlarmActions: [TOPIC],
    });
  });

  it('alarms when the service runs fewer tasks than the minimum (Container Insights)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'ECS/ContainerInsights',
      MetricName: 'RunningTaskCount',
      Statistic: 'Minimum',
      Threshold: 4,
      ComparisonOperator: 'LessThanThreshold',
      Dimensions: Match.arrayWith([Match.objectLike({ Name: 'ClusterName' }), Match.objectLike({ Name: 'ServiceName' })]),
      AlarmActions: [TOPIC],
    });
  });

  it('alarms on each NAT gateway\'s port allocation errors and on dropped packets above 0.01 % of its traffic', () => {
    template.resourcePropertiesCountIs(
      'AWS::CloudWatch::Alarm',
      { Namespace: 'AWS/NATGateway', MetricName: 'ErrorPortAllocation', Statistic: 'Sum', Threshold: 1, AlarmActions: [TOPIC] },
      3,
    );
    const dropAlarms = Object.values(template.findResources('AWS::CloudWatch::Alarm')).filter((alarm) =>
      JSON.stringify(alarm).includes('PacketsDropCount'),
    );
    expect(dropAlarms).toHaveLength(3);
    for (const alarm of dropAlarms) {
      expect(alarm).toMatchObject({ Properties: { Threshold: 0.01, ComparisonOperator: 'GreaterThanThreshold', AlarmActions: [expect.anything()] } });
      expect(JSON.stringify(alarm)).toContain('PacketsInFromSource');
    }
  });

  it('counts denied requests from the Squid access log and alarms on a spike (anomaly band)', () => {
    template.hasResourceProperties('AWS::Logs::MetricFilter', {
      FilterPattern: '{ $.decision = "deny" }',
      MetricTransformations: [Match.objectLike({ MetricName: 'DeniedRequests', MetricNamespace: 'EgressProxy/EgressProxy', MetricValue: '1', DefaultValue: 0 })],
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      ComparisonOperator: 'GreaterThanUpperThreshold',
      ThresholdMetricId: Match.anyValue(),
      Metrics: Match.arrayWith([Match.objectLike({ MetricStat: Match.objectLike({ Metric: Match.objectLike({ MetricName: 'DeniedRequests' }) }) })]),
      AlarmActions: [TOPIC],
    });
  });

  it('sends failed executions of the configuration pipeline to the alarm topic, with a role only this rule may use', () => {
    const rules = template.findResources('AWS::Events::Rule', {
      Properties: { EventPattern: Match.objectLike({ source: ['aws.codepipeline'] }) },
    });
    const [rule] = Object.values(rules) as { Properties: { Name: string; EventPattern: unknown; Targets: { Arn: unknown; RoleArn: { 'Fn::GetAtt': [string, string] } }[] } }[];
    expect(rule?.Properties).toMatchObject({
      Name: 'EgressProxy-PipelineFailed',
      EventPattern: {
        'detail-type': ['CodePipeline Pipeline Execution State Change'],
        detail: { state: ['FAILED'], pipeline: [expect.anything()] },
      },
      Targets: [{ Arn: { Ref: expect.stringMatching(/^AlarmsTopic/) as unknown } }],
    });
    const roleId = rule?.Properties.Targets[0]?.RoleArn['Fn::GetAtt'][0] ?? '';
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Principal: { Service: 'events.amazonaws.com' },
            Condition: {
              StringEquals: {
                'aws:SourceAccount': '222222222222',
                'aws:SourceArn': { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':events:eu-west-2:222222222222:rule/EgressProxy-PipelineFailed']] },
              },
            },
          }),
        ],
      },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: roleId }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Resource: TOPIC })]) },
    });
    // Nothing lets every EventBridge rule (of any account) publish to the topic.
    expect(JSON.stringify(template.findResources('AWS::SNS::TopicPolicy'))).not.toContain('events.amazonaws.com');
  });

  it('shows the data plane on the control plane\'s dashboard', () => {
    const [dashboard] = Object.values(template.findResources('AWS::CloudWatch::Dashboard'));
    const body = JSON.stringify(dashboard);
    for (const metric of ['HealthyHostCount', 'UnHealthyHostCount', 'RunningTaskCount', 'ErrorPortAllocation', 'PacketsDropCount', 'DeniedRequests', 'MatchedEvents']) {
      expect(body).toContain(metric);
    }
  });
});
