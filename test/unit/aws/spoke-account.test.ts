import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type State,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import { readAccountSnapshot } from '../../../functions/aws/spoke-account';
import { vpcSnapshotOf } from '../../../functions/core/account-snapshot';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-2' });
const SERVICE = 'com.amazonaws.vpce.eu-west-2.vpce-svc-0123';
const ACCOUNT = '333333333333';
const settings = { serviceName: SERVICE, proxyPort: 3128, proxyTag: { key: 'egress-proxy', value: 'enabled' } };
const managedTagFilter = { Name: 'tag:egress-proxy-managed:managed-by', Values: ['egress-control-plane'] };
const tagged = [{ Key: 'egress-proxy', Value: 'enabled' }];

beforeEach(() => {
  ec2Mock.reset();
  ec2Mock
    .on(DescribeVpcsCommand)
    .resolves({
      Vpcs: [
        { VpcId: 'vpc-c', CidrBlock: '10.2.0.0/16', Tags: tagged },
        { VpcId: 'vpc-a', CidrBlock: '10.0.0.0/16', Tags: tagged },
        { VpcId: 'vpc-b', CidrBlock: '10.1.0.0/16', Tags: tagged },
      ],
    })
    .on(DescribeSubnetsCommand)
    .resolves({
      Subnets: ['a', 'b', 'c'].map((v) => ({ SubnetId: `subnet-${v}`, VpcId: `vpc-${v}`, AvailabilityZone: 'eu-west-2a', AvailabilityZoneId: 'euw2-az1' })),
    })
    .on(DescribeVpcEndpointsCommand)
    .resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-b', VpcId: 'vpc-b', State: 'available' as State, SubnetIds: ['subnet-b'] }] })
    .on(DescribeSecurityGroupsCommand)
    .resolves({
      SecurityGroups: [{ GroupId: 'sg-b', VpcId: 'vpc-b', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, IpRanges: [{ CidrIp: '10.1.0.0/16' }] }] }],
    })
    .on(DescribeVpcEndpointServicesCommand)
    .resolves({ ServiceDetails: [{ ServiceName: SERVICE, AvailabilityZoneIds: ['euw2-az1'] }] });
});

describe('readAccountSnapshot', () => {
  it('reads an account of three tagged VPCs with one call per describe, whatever the number of VPCs', async () => {
    // Act
    const snapshot = await readAccountSnapshot(ec2, ACCOUNT, settings);

    // Assess
    for (const command of [DescribeVpcsCommand, DescribeSubnetsCommand, DescribeVpcEndpointsCommand, DescribeSecurityGroupsCommand, DescribeVpcEndpointServicesCommand]) {
      expect(ec2Mock).toHaveReceivedCommandTimes(command, 1);
    }
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeVpcAttributeCommand);
    expect(ec2Mock.calls()).toHaveLength(5);
    expect(snapshot.vpcs.map((v) => v.vpcId)).toEqual(['vpc-a', 'vpc-b', 'vpc-c']);
    expect(vpcSnapshotOf(snapshot, 'vpc-b')).toMatchObject({
      vpc: { cidrBlocks: ['10.1.0.0/16'] },
      subnets: [{ subnetId: 'subnet-b' }],
      managedEndpoints: [{ endpointId: 'vpce-b', state: 'available' }],
      managedSecurityGroups: [{ groupId: 'sg-b', ingressCidrs: ['10.1.0.0/16'] }],
    });
    expect(vpcSnapshotOf(snapshot, 'vpc-a')).toMatchObject({ managedEndpoints: [], managedSecurityGroups: [] });
  });

  it('asks account-wide, at the largest page size, for our endpoints to the hub service and our groups only', async () => {
    await readAccountSnapshot(ec2, ACCOUNT, settings);

    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcsCommand, { MaxResults: 1000 });
    expect(ec2Mock.commandCalls(DescribeSubnetsCommand)[0]?.args[0].input).toEqual({ MaxResults: 1000 });
    expect(ec2Mock.commandCalls(DescribeVpcEndpointsCommand)[0]?.args[0].input).toEqual({
      Filters: [{ Name: 'service-name', Values: [SERVICE] }, managedTagFilter],
      MaxResults: 1000,
    });
    expect(ec2Mock.commandCalls(DescribeSecurityGroupsCommand)[0]?.args[0].input).toEqual({ Filters: [managedTagFilter], MaxResults: 1000 });
  });

  it('follows NextToken on every listing', async () => {
    ec2Mock
      .on(DescribeVpcsCommand)
      .resolvesOnce({ Vpcs: [{ VpcId: 'vpc-a', Tags: tagged }], NextToken: 'vpcs-2' })
      .resolves({ Vpcs: [{ VpcId: 'vpc-b', Tags: tagged }] })
      .on(DescribeSubnetsCommand)
      .resolvesOnce({ Subnets: [{ SubnetId: 'subnet-a', VpcId: 'vpc-a', AvailabilityZoneId: 'euw2-az1' }], NextToken: 'subnets-2' })
      .resolves({ Subnets: [{ SubnetId: 'subnet-b', VpcId: 'vpc-b', AvailabilityZoneId: 'euw2-az1' }] });

    const snapshot = await readAccountSnapshot(ec2, ACCOUNT, settings);

    expect(snapshot.vpcs.map((v) => v.vpcId)).toEqual(['vpc-a', 'vpc-b']);
    expect(vpcSnapshotOf(snapshot, 'vpc-b').subnets.map((s) => s.subnetId)).toEqual(['subnet-b']);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcsCommand, { NextToken: 'vpcs-2' });
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSubnetsCommand, { NextToken: 'subnets-2' });
  });

  it('reads neither subnets nor the service when no VPC carries the proxy tag, but still finds our leftovers', async () => {
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [{ VpcId: 'vpc-b', Tags: [{ Key: 'egress-proxy', Value: 'disabled' }] }] });

    const snapshot = await readAccountSnapshot(ec2, ACCOUNT, settings);

    expect(ec2Mock).not.toHaveReceivedCommand(DescribeSubnetsCommand);
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeVpcEndpointServicesCommand);
    expect(vpcSnapshotOf(snapshot, 'vpc-b').managedEndpoints.map((e) => e.endpointId)).toEqual(['vpce-b']);
  });

  it('reads nothing more in an account without VPCs', async () => {
    ec2Mock.on(DescribeVpcsCommand).resolves({ Vpcs: [] });

    expect((await readAccountSnapshot(ec2, ACCOUNT, settings)).vpcs).toEqual([]);
    expect(ec2Mock.calls()).toHaveLength(1);
  });

  it('propagates errors', async () => {
    ec2Mock.on(DescribeSecurityGroupsCommand).rejects(Object.assign(new Error('UnauthorizedOperation'), { name: 'UnauthorizedOperation' }));
    await expect(readAccountSnapshot(ec2, ACCOUNT, settings)).rejects.toThrow('UnauthorizedOperation');
  });
});
