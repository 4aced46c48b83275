/* Template assertions (template.hasResourceProperties and friends) throw on mismatch. */
/* eslint jest/expect-expect: ["error", { "assertFunctionNames": ["expect", "template.*"] }] */
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SQUID_CONTRACT } from '../../infra/squid-contract';
import { errorAndWarningAnnotations, unacknowledgedFindings } from './support/nag';
import { literalPhysicalNames } from './support/physical-names';
import { buildHubTestApp, SPOKE_PRINCIPALS, type HubTestApp } from './support/synth-app';

describe('hub data plane stack', () => {
  let egress: HubTestApp;
  let template: Template;

  beforeAll(() => {
    // Overrides arrive as strings, the way `cdk synth -c key=value` delivers them.
    egress = buildHubTestApp({
      allowedPrincipals: SPOKE_PRINCIPALS.join(','),
      privateDnsName: 'proxy.egress.example.com',
      minTasks: '4',
      maxTasks: '12',
      cpuTargetPercent: '60',
      logRetentionDays: '30',
      squidImageTag: 'bootstrap-2',
    });
    template = Template.fromStack(egress.hub);
  });

  it('passes cdk-nag AwsSolutions with every finding acknowledged, and has no warnings', () => {
    expect(unacknowledgedFindings(egress.app, egress.hub)).toEqual([]);
    expect(unacknowledgedFindings(egress.app, egress.pipeline)).toEqual([]);
    expect(errorAndWarningAnnotations(egress)).toEqual([]);
  });

  it('names physical resources only from the deployment name, so a second deployment can coexist', () => {
    expect(literalPhysicalNames(template)).toEqual([
      // The policy store: the deployment name, account and region (infra/config.ts policyStoreBucketName).
      'AWS::S3::Bucket.BucketName=egressproxy-222222222222-eu-west-2',
      'AWS::SSM::Parameter.Name=/EgressProxy/endpoint-service/name',
      'AWS::SSM::Parameter.Name=/EgressProxy/endpoint-service/service-id',
      'AWS::SSM::Parameter.Name=/EgressProxy/endpoint-service/proxy-port',
    ]);
  });

  describe('network', () => {
    it('spreads public and private subnets over three AZs with a NAT gateway in each', () => {
      template.resourceCountIs('AWS::EC2::Subnet', 6);
      template.resourceCountIs('AWS::EC2::NatGateway', 3);
      template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    });

    it('sends all VPC flow logs to a CloudWatch log group with the configured retention', () => {
      template.hasResourceProperties('AWS::EC2::FlowLog', {
        ResourceType: 'VPC',
        TrafficType: 'ALL',
        LogDestinationType: 'cloud-watch-logs',
      });
      template.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
    });
  });

  describe('image repository', () => {
    it('scans on push, keeps tags immutable and expires old images', () => {
      template.hasResourceProperties('AWS::ECR::Repository', {
        ImageScanningConfiguration: { ScanOnPush: true },
        ImageTagMutability: 'IMMUTABLE',
        LifecyclePolicy: { LifecyclePolicyText: Match.stringLikeRegexp('imageCountMoreThan') },
      });
    });
  });

  describe('fleet', () => {
    it('enables enhanced Container Insights on the cluster', () => {
      template.hasResourceProperties('AWS::ECS::Cluster', {
        ClusterSettings: [{ Name: 'containerInsights', Value: 'enhanced' }],
      });
    });

    it('runs the configured image tag with proxy and health ports, health check and awslogs', () => {
      template.hasResourceProperties('AWS::ECS::TaskDefinition', {
        RequiresCompatibilities: ['FARGATE'],
        Cpu: '256',
        Memory: '512',
        ContainerDefinitions: [
          Match.objectLike({
            Name: SQUID_CONTRACT.containerName,
            Image: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp(':bootstrap-2$')])] }),
            ReadonlyRootFilesystem: SQUID_CONTRACT.readOnlyRootFilesystem,
            PortMappings: [
              Match.objectLike({ ContainerPort: 3128, Protocol: 'tcp' }),
              Match.objectLike({ ContainerPort: 3129, Protocol: 'tcp' }),
            ],
            LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
            HealthCheck: Match.objectLike({ Command: [...SQUID_CONTRACT.containerHealthCommand] }),
          }),
        ],
      });
    });

    it('deploys with a rollback circuit breaker, 100 % minimum and 200 % maximum healthy', () => {
      template.hasResourceProperties('AWS::ECS::Service', {
        LaunchType: 'FARGATE',
        DeploymentConfiguration: {
          MinimumHealthyPercent: 100,
          MaximumPercent: 200,
          DeploymentCircuitBreaker: { Enable: true, Rollback: true },
        },
        NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
      });
    });

    it('leaves the desired count to auto scaling so a deploy never shrinks a scaled-out fleet', () => {
      template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: Match.absent() });
    });

    it('scales between the configured bounds on average CPU', () => {
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
        MinCapacity: 4,
        MaxCapacity: 12,
        ScalableDimension: 'ecs:service:DesiredCount',
      });
      template.hasResourceProperties('AWS::ApplicationAutoScaling::ScalingPolicy', {
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: Match.objectLike({
          TargetValue: 60,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
        }),
      });
    });

    it('admits only the proxy and health ports, only from the hub VPC', () => {
      const groups = template.findResources('AWS::EC2::SecurityGroup', {
        Properties: { GroupDescription: Match.stringLikeRegexp('^Squid tasks') },
      });
      const [group] = Object.values(groups) as { Properties: { SecurityGroupIngress: unknown[] } }[];
      expect(group?.Properties.SecurityGroupIngress).toEqual([
        expect.objectContaining({ CidrIp: '10.0.0.0/16', FromPort: 3128, ToPort: 3128, IpProtocol: 'tcp' }),
        expect.objectContaining({ CidrIp: '10.0.0.0/16', FromPort: 3129, ToPort: 3129, IpProtocol: 'tcp' }),
      ]);
    });
  });

  describe('bootstrap image', () => {
    it('creates the service only after the first image build has signalled success', () => {
      const waits = Object.keys(template.findResources('AWS::CloudFormation::WaitCondition'));
      expect(waits).toHaveLength(1);
      const [service] = Object.values(template.findResources('AWS::ECS::Service')) as { DependsOn?: string[] }[];
      expect(service?.DependsOn).toEqual(expect.arrayContaining(waits));
    });

    it('starts a privileged build of squid-config that pushes the configured tag and signals the wait handle', () => {
      template.hasResourceProperties('AWS::CodeBuild::Project', {
        Source: Match.objectLike({ Type: 'S3', BuildSpec: Match.stringLikeRegexp('WAIT_HANDLE_URL') }),
        Environment: Match.objectLike({
          PrivilegedMode: true,
          EnvironmentVariables: Match.arrayWith([
            { Name: 'IMAGE_TAG', Type: 'PLAINTEXT', Value: 'bootstrap-2' },
            { Name: 'HUB_VPC_CIDR', Type: 'PLAINTEXT', Value: '10.0.0.0/16' },
          ]),
        }),
      });
      template.hasResourceProperties('Custom::AWS', {
        Create: Match.objectLike({ 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('"action":"startBuild"')])] }),
      });
    });
  });

  describe('load balancer', () => {
    it('is an internal NLB with cross-zone load balancing', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
        Type: 'network',
        Scheme: 'internal',
        LoadBalancerAttributes: Match.arrayWith([{ Key: 'load_balancing.cross_zone.enabled', Value: 'true' }]),
      });
    });

    it('listens on TCP 3128', () => {
      template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 3128, Protocol: 'TCP' });
    });

    it('forwards to IP targets with PROXY protocol v2 and checks health over HTTP on the health port', () => {
      template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetType: 'ip',
        Port: 3128,
        Protocol: 'TCP',
        TargetGroupAttributes: Match.arrayWith([{ Key: 'proxy_protocol_v2.enabled', Value: 'true' }]),
        HealthCheckEnabled: true,
        HealthCheckProtocol: 'HTTP',
        HealthCheckPort: '3129',
        HealthCheckPath: SQUID_CONTRACT.healthPath,
        Matcher: { HttpCode: '200' },
      });
    });
  });

  describe('endpoint service', () => {
    it('requires acceptance of every connection and fronts the NLB', () => {
      template.hasResourceProperties('AWS::EC2::VPCEndpointService', {
        AcceptanceRequired: true,
        NetworkLoadBalancerArns: [Match.objectLike({ Ref: Match.stringLikeRegexp('LoadBalancer') })],
        PrivateDnsName: 'proxy.egress.example.com',
      });
    });

    it('allows the initial principals from context', () => {
      template.hasResourceProperties('AWS::EC2::VPCEndpointServicePermissions', {
        AllowedPrincipals: SPOKE_PRINCIPALS,
      });
    });

    it('publishes service name, service id and proxy port as advanced-tier parameters', () => {
      template.resourceCountIs('AWS::SSM::Parameter', 3);
      template.allResourcesProperties('AWS::SSM::Parameter', { Tier: 'Advanced' });
      template.hasResourceProperties('AWS::SSM::Parameter', {
        Name: '/EgressProxy/endpoint-service/name',
        Value: { 'Fn::Join': ['', ['com.amazonaws.vpce.eu-west-2.', Match.anyValue()]] },
      });
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/EgressProxy/endpoint-service/proxy-port', Value: '3128' });
      template.hasResourceProperties('AWS::SSM::Parameter', { Name: '/EgressProxy/endpoint-service/service-id' });
    });

    it('outputs the TXT record to publish for private DNS verification', () => {
      expect(Object.keys(template.findOutputs('*')).some((id) => id.includes('PrivateDnsVerificationRecord'))).toBe(true);
    });
  });
});
