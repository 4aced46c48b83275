import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  DeleteSecurityGroupCommand,
  DeleteVpcEndpointsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointsCommand,
  EC2Client,
  type State,
} from '@aws-sdk/client-ec2';
import { mockClient } from 'aws-sdk-client-mock';
import {
  authorizeProxyIngress,
  createSecurityGroup,
  deleteEndpoints,
  deleteSecurityGroup,
  waitForEndpointsDeleted,
} from '../../../functions/aws/spoke-writer';

const ec2Mock = mockClient(EC2Client);
const ec2 = new EC2Client({ region: 'eu-west-2' });
const awsError = (name: string) => Object.assign(new Error(name), { name });

beforeEach(() => ec2Mock.reset());

describe('createSecurityGroup', () => {
  it('reuses the group a concurrent run created under the same name', async () => {
    ec2Mock
      .on(CreateSecurityGroupCommand)
      .rejects(awsError('InvalidGroup.Duplicate'))
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-theirs' }] });

    expect(await createSecurityGroup(ec2, 'vpc-0abc')).toBe('sg-theirs');
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeSecurityGroupsCommand, {
      Filters: [
        { Name: 'vpc-id', Values: ['vpc-0abc'] },
        { Name: 'group-name', Values: ['egress-proxy-endpoint-vpc-0abc'] },
      ],
    });
  });
});

describe('authorizeProxyIngress', () => {
  it('splits IPv4 and IPv6 ranges and tolerates a rule that already exists', async () => {
    ec2Mock.on(AuthorizeSecurityGroupIngressCommand).rejects(awsError('InvalidPermission.Duplicate'));
    await authorizeProxyIngress(ec2, 'sg-1', 3128, ['10.0.0.0/16', '2001:db8::/56']);
    expect(ec2Mock).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-1',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 3128,
          ToPort: 3128,
          IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'VPC CIDR to the egress proxy' }],
          Ipv6Ranges: [{ CidrIpv6: '2001:db8::/56', Description: 'VPC CIDR to the egress proxy' }],
        },
      ],
    });
  });
});

describe('deleteEndpoints', () => {
  it('throws on Unsuccessful items other than an endpoint already gone', async () => {
    ec2Mock.on(DeleteVpcEndpointsCommand).resolves({
      Unsuccessful: [
        { ResourceId: 'vpce-1', Error: { Code: 'InvalidVpcEndpoint.NotFound', Message: 'gone' } },
        { ResourceId: 'vpce-2', Error: { Code: 'InvalidState', Message: 'busy' } },
      ],
    });
    await expect(deleteEndpoints(ec2, ['vpce-1', 'vpce-2'])).rejects.toThrow('vpce-2: InvalidState busy');
  });
});

describe('deleteSecurityGroup', () => {
  it('propagates DependencyViolation so the event is retried once the endpoint is gone', async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).rejects(awsError('DependencyViolation'));
    await expect(deleteSecurityGroup(ec2, 'sg-1')).rejects.toThrow('DependencyViolation');
  });

  it('treats a group already gone as deleted', async () => {
    ec2Mock.on(DeleteSecurityGroupCommand).rejects(awsError('InvalidGroup.NotFound'));
    await expect(deleteSecurityGroup(ec2, 'sg-1')).resolves.toBeUndefined();
  });
});

describe('waitForEndpointsDeleted', () => {
  const noSleep = jest.fn(() => Promise.resolve());
  const wait = { attempts: 3, intervalMs: 1000, sleep: noSleep };

  beforeEach(() => noSleep.mockClear());

  it('returns once every endpoint reads as deleted or is no longer listed', async () => {
    ec2Mock
      .on(DescribeVpcEndpointsCommand)
      .resolvesOnce({ VpcEndpoints: [{ VpcEndpointId: 'vpce-a', State: 'deleting' as State }, { VpcEndpointId: 'vpce-b', State: 'deleted' as State }] })
      .resolves({ VpcEndpoints: [] });

    await waitForEndpointsDeleted(ec2, ['vpce-a', 'vpce-b'], wait);

    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 2);
    // Only the endpoint still deleting is asked about again.
    expect(ec2Mock.commandCalls(DescribeVpcEndpointsCommand)[1]?.args[0].input).toEqual({
      Filters: [{ Name: 'vpc-endpoint-id', Values: ['vpce-a'] }],
    });
    expect(noSleep).toHaveBeenCalledTimes(1);
    expect(noSleep).toHaveBeenCalledWith(1000);
  });

  it('does not sleep when the endpoints are already gone', async () => {
    ec2Mock.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [] });
    await waitForEndpointsDeleted(ec2, ['vpce-a'], wait);
    expect(noSleep).not.toHaveBeenCalled();
  });

  it('throws at the bound, naming the endpoints still there, so the record is retried', async () => {
    ec2Mock.on(DescribeVpcEndpointsCommand).resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-a', State: 'deleting' as State }] });
    await expect(waitForEndpointsDeleted(ec2, ['vpce-a'], wait)).rejects.toThrow(/vpce-a still not deleted after 3 checks/);
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcEndpointsCommand, 3);
    expect(noSleep).toHaveBeenCalledTimes(2);
  });

  it('asks nothing when there is nothing to wait for', async () => {
    await waitForEndpointsDeleted(ec2, [], wait);
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeVpcEndpointsCommand);
  });
});
