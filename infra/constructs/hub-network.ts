import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

export interface HubNetworkProps {
  /** Explicit names keep synth free of AZ lookups. */
  readonly availabilityZones: readonly string[];
  readonly cidr: string;
  readonly logRetention: logs.RetentionDays;
}

/**
 * The hub VPC: public subnets for the NAT gateways, private subnets for the proxies and the NLB.
 * One NAT gateway per AZ so losing a zone does not cut the other zones' egress.
 */
export class HubNetwork extends Construct {
  readonly vpc: ec2.Vpc;
  readonly flowLogGroup: logs.LogGroup;
  /** One per AZ, in the order of the public subnets (for their CloudWatch metrics). */
  readonly natGateways: { readonly availabilityZone: string; readonly natGatewayId: string }[];

  constructor(scope: Construct, id: string, props: HubNetworkProps) {
    super(scope, id);
    this.flowLogGroup = new logs.LogGroup(this, 'FlowLogs', { retention: props.logRetention });
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(props.cidr),
      availabilityZones: [...props.availabilityZones],
      natGateways: props.availabilityZones.length,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC },
        { name: 'proxy', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      ],
      // The default security group allows all traffic between its members; nothing should use it.
      restrictDefaultSecurityGroup: true,
      flowLogs: {
        all: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(this.flowLogGroup),
          trafficType: ec2.FlowLogTrafficType.ALL,
        },
      },
    });
    // The Vpc construct keeps its NAT gateways as the public subnets' `NATGateway` children.
    this.natGateways = this.vpc.publicSubnets.map((subnet) => ({
      availabilityZone: subnet.availabilityZone,
      natGatewayId: (subnet.node.findChild('NATGateway') as ec2.CfnNatGateway).ref,
    }));
  }
}
