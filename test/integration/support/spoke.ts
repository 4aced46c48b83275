/** What spoke teams do and see in their own accounts, through the SDK: VPCs, subnets, groups, tags, endpoints. */
import {
  AssociateVpcCidrBlockCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  DeleteVpcEndpointsCommand,
  DescribeAvailabilityZonesCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcsCommand,
  ModifyVpcAttributeCommand,
  type EC2Client,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { endpointsOf } from '../../../local/demo/tenant';

export { endpointsOf, tagVpc, untagVpc } from '../../../local/demo/tenant';

export interface SpokeVpc {
  vpcId: string;
  /** Subnet id -> physical AZ id, in creation order. */
  subnets: { subnetId: string; azId: string }[];
}

/**
 * A VPC with one /24 subnet in each given physical AZ (ids, because names map differently in every account),
 * DNS hostnames on. Defaults to every AZ of the region.
 */
export async function createVpc(ec2: EC2Client, options: { cidrPrefix?: string; name: string; azIds?: readonly string[] }): Promise<SpokeVpc> {
  const prefix = options.cidrPrefix ?? '10.0';
  const { Vpc } = await ec2.send(
    new CreateVpcCommand({ CidrBlock: `${prefix}.0.0/16`, TagSpecifications: [{ ResourceType: 'vpc', Tags: [{ Key: 'Name', Value: options.name }] }] }),
  );
  const vpcId = Vpc?.VpcId;
  if (!vpcId) throw new Error('CreateVpc returned no VPC id');
  await ec2.send(new ModifyVpcAttributeCommand({ VpcId: vpcId, EnableDnsHostnames: { Value: true } }));
  const { AvailabilityZones = [] } = await ec2.send(new DescribeAvailabilityZonesCommand({}));
  const wanted = options.azIds ?? AvailabilityZones.map((zone) => zone.ZoneId ?? '');
  const subnets: SpokeVpc['subnets'] = [];
  for (const [index, azId] of wanted.entries()) {
    const zone = AvailabilityZones.find((candidate) => candidate.ZoneId === azId);
    if (!zone?.ZoneName) throw new Error(`no AZ with id ${azId} in this account`);
    const { Subnet } = await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, AvailabilityZone: zone.ZoneName, CidrBlock: `${prefix}.${index}.0/24` }));
    if (!Subnet?.SubnetId) throw new Error('CreateSubnet returned no subnet id');
    subnets.push({ subnetId: Subnet.SubnetId, azId });
  }
  return { vpcId, subnets };
}

export async function addSecondaryCidr(ec2: EC2Client, vpcId: string, cidr: string): Promise<void> {
  await ec2.send(new AssociateVpcCidrBlockCommand({ VpcId: vpcId, CidrBlock: cidr }));
}

export async function vpcTags(ec2: EC2Client, vpcId: string): Promise<Record<string, string>> {
  const { Vpcs = [] } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
  return Object.fromEntries((Vpcs[0]?.Tags ?? []).map((tag) => [tag.Key ?? '', tag.Value ?? '']));
}

/** Security groups of the VPC other than its default group. */
export async function securityGroupsOf(ec2: EC2Client, vpcId: string): Promise<SecurityGroup[]> {
  const { SecurityGroups = [] } = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  return SecurityGroups.filter((group) => group.GroupName !== 'default');
}

/** CIDRs a group admits on TCP `port`. */
export function ingressCidrs(group: SecurityGroup, port: number): string[] {
  return (group.IpPermissions ?? [])
    .filter((permission) => permission.IpProtocol === 'tcp' && permission.FromPort === port && permission.ToPort === port)
    .flatMap((permission) => (permission.IpRanges ?? []).map((range) => range.CidrIp ?? ''))
    .sort();
}

/** What a spoke team does in the console: its own security group and an endpoint to the hub service. */
export async function createEndpointByHand(ec2: EC2Client, vpc: SpokeVpc, serviceName: string, subnetIds: string[]): Promise<{ endpointId: string; groupId: string }> {
  const { GroupId } = await ec2.send(new CreateSecurityGroupCommand({ VpcId: vpc.vpcId, GroupName: `by-hand-${vpc.vpcId}`, Description: 'made by hand' }));
  if (!GroupId) throw new Error('CreateSecurityGroup returned no group id');
  const { VpcEndpoint } = await ec2.send(
    new CreateVpcEndpointCommand({
      VpcEndpointType: 'Interface',
      VpcId: vpc.vpcId,
      ServiceName: serviceName,
      SubnetIds: subnetIds,
      SecurityGroupIds: [GroupId],
    }),
  );
  if (!VpcEndpoint?.VpcEndpointId) throw new Error('CreateVpcEndpoint returned no endpoint id');
  return { endpointId: VpcEndpoint.VpcEndpointId, groupId: GroupId };
}

export async function deleteEndpointByHand(ec2: EC2Client, endpointId: string): Promise<void> {
  await ec2.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [endpointId] }));
}

/** Live endpoints of the VPC (the local cloud hides deleted ones at once, AWS after a while). */
export async function liveEndpointsOf(ec2: EC2Client, vpcId: string) {
  return (await endpointsOf(ec2, vpcId)).filter((endpoint) => !['deleted', 'deleting'].includes(String(endpoint.State)));
}
