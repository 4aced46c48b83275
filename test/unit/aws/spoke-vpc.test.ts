import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { readEndpointVpcs, readVpcDns, readVpcSnapshot } from '../../../functions/aws/spoke-vpc';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-2' });
const SERVICE = 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123';
const ids = { accountId: '333333333333', vpcId: 'vpc-0abc' };
const settings = { serviceName: SERVICE, proxyPort: 3128 };
const awsError = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock
    .on(DescribeVpcsCommand)
    .resolves({ Vpcs: [{ VpcId: 'vpc-0abc', CidrBlock: '10.0.0.0/16', Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: '2001:db8::/56', Ipv6CidrBlockState: { State: 'associated' } }] }] })
    .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsSupport' })
    .resolves({ EnableDnsSupport: { Value: true } })
    .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsHostnames' })
    .resolves({ EnableDnsHostnames: { Value: false } })
    .on(DescribeSubnetsCommand)
    .resolves({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-0abc', AvailabilityZone: 'eu-west-2a', AvailabilityZoneId: 'euw2-az2', Tags: [{ Key: 'egress-proxy:subnet', Value: 'true' }] }] })
    .on(DescribeVpcEndpointServicesCommand)
    .resolves({ ServiceDetails: [{ ServiceName: SERVICE, AvailabilityZoneIds: ['euw2-az2', 'euw2-az3'], AvailabilityZones: ['eu-west-2a', 'eu-west-2b'] }] })
    .on(DescribeVpcEndpointsCommand)
    .resolves({ VpcEndpoints: [] })
    .on(DescribeSecurityGroupsCommand)
    .resolves({
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          VpcId: 'vpc-0abc',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/56' }] },
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
          ],
        },
      ],
    });
});

describe('readVpcSnapshot', () => {
  it('reads the VPC, subnets, service AZ ids and our managed resources, but not the DNS attributes', async () => {
    const snapshot = await readVpcSnapshot(ec2, ids, settings);

    expect(snapshot).toMatchObject({
      vpc: { tags: {}, cidrBlocks: ['10.0.0.0/16', '2001:db8::/56'], dns: undefined },
      subnets: [{ subnetId: 'subnet-1', availabilityZoneId: 'euw2-az2', mapPublicIpOnLaunch: false, tags: { 'egress-proxy:subnet': 'true' } }],
      managedSecurityGroups: [{ groupId: 'sg-1', ingressCidrs: ['10.0.0.0/16', '2001:db8::/56'] }],
    });
    expect([...(snapshot.service?.availabilityZoneIds ?? [])]).toEqual(['euw2-az2', 'euw2-az3']);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, {
      Filters: [
        { Name: 'vpc-id', Values: ['vpc-0abc'] },
        { Name: 'tag:egress-proxy-managed:managed-by', Values: ['egress-control-plane'] },
      ],
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSubnetsCommand, { Filters: [{ Name: 'vpc-id', Values: ['vpc-0abc'] }], MaxResults: 1000 });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [
        { Name: 'vpc-id', Values: ['vpc-0abc'] },
        { Name: 'service-name', Values: [SERVICE] },
        { Name: 'tag:egress-proxy-managed:managed-by', Values: ['egress-control-plane'] },
      ],
    });
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeVpcAttributeCommand);
  });

  it('maps service AZ names to ids through the subnets when the service gives only names', async () => {
    ec2Mock.on(DescribeVpcEndpointServicesCommand).resolves({ ServiceDetails: [{ ServiceName: SERVICE, AvailabilityZones: ['eu-west-2a', 'eu-west-2b'] }] });
    expect([...((await readVpcSnapshot(ec2, ids, settings)).service?.availabilityZoneIds ?? [])]).toEqual(['euw2-az2']);
  });

  it('treats InvalidServiceName (not an allowed principal yet) as an invisible service', async () => {
    ec2Mock.on(DescribeVpcEndpointServicesCommand).rejects(awsError('InvalidServiceName'));
    expect((await readVpcSnapshot(ec2, ids, settings)).service).toBeUndefined();
  });

  it('reports a deleted VPC without reading anything else', async () => {
    ec2Mock.on(DescribeVpcsCommand).rejects(awsError('InvalidVpcID.NotFound'));
    const snapshot = await readVpcSnapshot(ec2, ids, settings);
    expect(snapshot.vpc).toBeUndefined();
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeSubnetsCommand);
  });

  it('propagates other errors', async () => {
    ec2Mock.on(DescribeSubnetsCommand).rejects(awsError('UnauthorizedOperation'));
    await expect(readVpcSnapshot(ec2, ids, settings)).rejects.toThrow('UnauthorizedOperation');
  });
});

describe('readEndpointVpcs', () => {
  it('maps each endpoint to its VPC and the VPC tags in two describes', async () => {
    ec2Mock
      .on(DescribeVpcEndpointsCommand)
      .resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-1', VpcId: 'vpc-a' }, { VpcEndpointId: 'vpce-2', VpcId: 'vpc-a' }] })
      .on(DescribeVpcsCommand)
      .resolves({ Vpcs: [{ VpcId: 'vpc-a', Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }] });

    const result = await readEndpointVpcs(ec2, ['vpce-1', 'vpce-2']);

    expect(Object.fromEntries(result)).toEqual({
      'vpce-1': { vpcId: 'vpc-a', tags: { 'egress-proxy': 'enabled' } },
      'vpce-2': { vpcId: 'vpc-a', tags: { 'egress-proxy': 'enabled' } },
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcsCommand, { Filters: [{ Name: 'vpc-id', Values: ['vpc-a'] }] });
  });
});

describe('readVpcDns', () => {
  it('reads both DNS attributes of the VPC', async () => {
    expect(await readVpcDns(ec2, 'vpc-0abc')).toEqual({ enableDnsSupport: true, enableDnsHostnames: false });
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcAttributeCommand, 2);
  });
});
