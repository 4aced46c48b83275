import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { FleetConfig } from '../config';
import { SQUID_CONTRACT } from '../squid-contract';
import { policyStoreStatements, type PolicyStore } from './policy-store';
import { SquidTaskDefinition } from './squid-task-definition';

export interface SquidFleetProps {
  readonly vpc: ec2.IVpc;
  /** The VPC's CIDR as a literal, so security group rules (and their review) need no token resolution. */
  readonly vpcCidr: string;
  readonly repository: ecr.IRepository;
  readonly fleet: FleetConfig;
  readonly logRetention: logs.RetentionDays;
  /** Where each task's policy agent reads the bundle and the mapping. */
  readonly policyStore: PolicyStore;
}

/**
 * Squid on Fargate behind an internal Network Load Balancer. The NLB speaks PROXY protocol v2 to the
 * tasks, which is how Squid learns the spoke's address and VPC endpoint id through PrivateLink.
 */
export class SquidFleet extends Construct {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly loadBalancer: elbv2.NetworkLoadBalancer;
  readonly targetGroup: elbv2.NetworkTargetGroup;
  readonly logGroup: logs.ILogGroup;

  constructor(scope: Construct, id: string, props: SquidFleetProps) {
    super(scope, id);
    const { vpc, fleet } = props;
    const privateSubnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

    this.cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENHANCED });

    const task = new SquidTaskDefinition(this, 'Definition', {
      repository: props.repository,
      imageTag: fleet.imageTag,
      cpu: fleet.taskCpu,
      memoryMiB: fleet.taskMemoryMiB,
      logRetention: props.logRetention,
      policyBucketName: props.policyStore.bucket.bucketName,
    });
    for (const statement of policyStoreStatements(props.policyStore.bucket.bucketName, 'fleet')) task.taskDefinition.addToTaskRolePolicy(statement);
    this.logGroup = task.logGroup;

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: task.taskDefinition,
      securityGroups: [this.createTaskSecurityGroup(vpc, props.vpcCidr)],
      vpcSubnets: privateSubnets,
      assignPublicIp: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      // desiredCount is left unset so a deploy never shrinks a fleet that auto scaling has grown;
      // the scalable target's minimum brings a new service up to minTasks.
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      healthCheckGracePeriod: Duration.seconds(60),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
      enableECSManagedTags: true,
    });

    const scaling = this.service.autoScaleTaskCount({ minCapacity: fleet.minTasks, maxCapacity: fleet.maxTasks });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: fleet.cpuTargetPercent,
      scaleOutCooldown: Duration.seconds(60),
      // Scaling in drops the tunnels a task holds, so do it slowly.
      scaleInCooldown: Duration.minutes(5),
    });

    this.loadBalancer = new elbv2.NetworkLoadBalancer(this, 'LoadBalancer', {
      vpc,
      internetFacing: false,
      vpcSubnets: privateSubnets,
      crossZoneEnabled: true,
    });
    Validations.of(this.loadBalancer).acknowledge({
      id: 'AwsSolutions-ELB2',
      reason: 'NLB access logs are written only for TLS listeners; this NLB has one TCP listener, so they would stay empty. Squid logs every request with the client and VPC endpoint id.',
    });

    this.targetGroup = new elbv2.NetworkTargetGroup(this, 'ProxyTargets', {
      vpc,
      port: SQUID_CONTRACT.proxyPort,
      protocol: elbv2.Protocol.TCP,
      targetType: elbv2.TargetType.IP,
      proxyProtocolV2: true,
      // Client IP preservation does not apply to PrivateLink traffic; the PROXY header carries it instead.
      preserveClientIp: false,
      // Long-lived CONNECT tunnels get two minutes to finish when a task is replaced.
      deregistrationDelay: Duration.seconds(120),
      healthCheck: {
        enabled: true,
        protocol: elbv2.Protocol.HTTP,
        port: String(SQUID_CONTRACT.healthPort),
        path: SQUID_CONTRACT.healthPath,
        healthyHttpCodes: SQUID_CONTRACT.healthyHttpCodes,
        interval: Duration.seconds(10),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 2,
      },
    });
    this.targetGroup.addTarget(
      this.service.loadBalancerTarget({ containerName: SQUID_CONTRACT.containerName, containerPort: SQUID_CONTRACT.proxyPort }),
    );
    this.loadBalancer.addListener('Proxy', {
      port: SQUID_CONTRACT.proxyPort,
      protocol: elbv2.Protocol.TCP,
      defaultTargetGroups: [this.targetGroup],
    });
  }

  /**
   * Inbound only on the proxy and health ports and only from the VPC: PrivateLink traffic and health
   * checks both arrive from the NLB's private addresses. Outbound only what a proxy needs.
   */
  private createTaskSecurityGroup(vpc: ec2.IVpc, vpcCidr: string): ec2.SecurityGroup {
    const group = new ec2.SecurityGroup(this, 'TaskSecurityGroup', {
      vpc,
      description: 'Squid tasks: proxy and health ports from the hub VPC only',
      allowAllOutbound: false,
    });
    const hubVpc = ec2.Peer.ipv4(vpcCidr);
    group.addIngressRule(hubVpc, ec2.Port.tcp(SQUID_CONTRACT.proxyPort), 'Proxy traffic from the NLB');
    group.addIngressRule(hubVpc, ec2.Port.tcp(SQUID_CONTRACT.healthPort), 'NLB health checks');
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS and CONNECT destinations, ECR and CloudWatch Logs');
    group.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(80), 'Plain HTTP destinations');
    group.addEgressRule(hubVpc, ec2.Port.udp(53), 'DNS to the VPC resolver');
    group.addEgressRule(hubVpc, ec2.Port.tcp(53), 'DNS to the VPC resolver (truncated answers)');
    return group;
  }
}
