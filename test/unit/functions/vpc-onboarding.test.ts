import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcEndpointCommand,
  DeleteSecurityGroupCommand,
  DeleteTagsCommand,
  DeleteVpcEndpointsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  type State,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { DescribeAccountCommand, ListParentsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { sample } from '../../../events/samples';
import { vpcOnboardingHandler } from '../../../functions/handlers/vpc-onboarding';
import { logger } from '../../../functions/shared/logger';
import { awsError, HUB_SERVICE_ID, HUB_SERVICE_NAME, lambdaContext, pipedSqsEvent, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const orgMock = mockClient(OrganizationsClient);
const stsMock = mockClient(STSClient);
const eventsMock = mockClient(EventBridgeClient);

const ACCOUNT = '333333333333';
const VPC = 'vpc-0a1b2c3d4e5f60718';
const MANAGED = { Key: 'egress-proxy-managed:managed-by', Value: 'egress-control-plane' };

function givenVpc(tags: Record<string, string>) {
  ec2Mock.on(DescribeVpcsCommand).resolves({
    Vpcs: [
      {
        VpcId: VPC,
        OwnerId: ACCOUNT,
        Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })),
        CidrBlockAssociationSet: [
          { CidrBlock: '10.0.0.0/16', CidrBlockState: { State: 'associated' } },
          { CidrBlock: '100.64.0.0/20', CidrBlockState: { State: 'associated' } },
          { CidrBlock: '10.9.0.0/16', CidrBlockState: { State: 'disassociated' } },
        ],
      },
    ],
  });
}

beforeEach(() => {
  ec2Mock.reset();
  orgMock.reset();
  stsMock.reset();
  eventsMock.reset();
  orgMock.on(DescribeAccountCommand).resolves({ Account: { Id: ACCOUNT, State: 'ACTIVE' } });
  orgMock.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-ab12', Type: 'ROOT' }] });
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 'secret', SessionToken: 'token', Expiration: new Date(Date.now() + 3600_000) },
  });
  eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e1' }] });
  givenVpc({ 'egress-proxy': 'enabled', Name: 'payments-prod' });
  ec2Mock
    .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsSupport' })
    .resolves({ EnableDnsSupport: { Value: true } })
    .on(DescribeVpcAttributeCommand, { Attribute: 'enableDnsHostnames' })
    .resolves({ EnableDnsHostnames: { Value: true } })
    .on(DescribeSubnetsCommand)
    .resolves({
      Subnets: [
        { SubnetId: 'subnet-0b', AvailabilityZone: 'eu-west-2b', AvailabilityZoneId: 'euw2-az3', MapPublicIpOnLaunch: false },
        { SubnetId: 'subnet-0a', AvailabilityZone: 'eu-west-2a', AvailabilityZoneId: 'euw2-az2', MapPublicIpOnLaunch: true },
        { SubnetId: 'subnet-0c', AvailabilityZone: 'eu-west-2a', AvailabilityZoneId: 'euw2-az2', MapPublicIpOnLaunch: false },
        { SubnetId: 'subnet-0d', AvailabilityZone: 'eu-west-2c', AvailabilityZoneId: 'euw2-az1', MapPublicIpOnLaunch: false },
      ],
    })
    .on(DescribeVpcEndpointServicesCommand)
    .resolves({
      // Only AZ names: the adapter maps them to ids through the subnets.
      ServiceDetails: [{ ServiceName: HUB_SERVICE_NAME, AvailabilityZones: ['eu-west-2a', 'eu-west-2b'], PrivateDnsName: 'proxy.egress.internal', PrivateDnsNameVerificationState: 'verified' }],
    })
    .on(DescribeVpcEndpointsCommand)
    .resolves({ VpcEndpoints: [] })
    .on(DescribeSecurityGroupsCommand)
    .resolves({ SecurityGroups: [] })
    .on(CreateSecurityGroupCommand)
    .resolves({ GroupId: 'sg-0new' })
    .on(AuthorizeSecurityGroupIngressCommand)
    .resolves({ Return: true })
    .on(CreateVpcEndpointCommand)
    .resolves({
      VpcEndpoint: {
        VpcEndpointId: 'vpce-0a1b2c3d4e5f60718',
        State: 'pendingAcceptance' as State,
        SubnetIds: ['subnet-0b', 'subnet-0c'],
        PrivateDnsEnabled: true,
        DnsEntries: [{ DnsName: 'vpce-0a1b2c3d4e5f60718-abc.vpce-svc-0fedcba9876543210.eu-west-2.vpce.amazonaws.com' }],
      },
    })
    .on(CreateTagsCommand)
    .resolves({});
});

describe('VPC onboarding handler: tagged VPC', () => {
  it('creates one security group and one endpoint, writes back the tags and hands off to acceptance', async () => {
    // Prepare: the same VPC twice in one batch (a duplicated tag event)
    const handler = vpcOnboardingHandler(testRuntime());
    const event = pipedSqsEvent([sample('tags/vpc-proxy-tag-added'), sample('tags/vpc-other-tag-changed')]);

    // Act
    const response = await handler(event, lambdaContext);

    // Assess
    expect(response.batchItemFailures).toEqual([]);
    expect(stsMock).toHaveReceivedCommandWith(AssumeRoleCommand, {
      RoleArn: `arn:aws:iam::${ACCOUNT}:role/EgressProxySpokeRole`,
      RoleSessionName: 'egress-8e1f5a7b-2c4d-4f0e-9a69-3d5c1e2546ba',
    });
    expect(ec2Mock).toHaveReceivedCommandWith(CreateSecurityGroupCommand, {
      VpcId: VPC,
      GroupName: `egress-proxy-endpoint-${VPC}`,
      TagSpecifications: [{ ResourceType: 'security-group', Tags: [MANAGED, { Key: 'Name', Value: `egress-proxy-endpoint-${VPC}` }] }],
    });
    expect(ec2Mock).toHaveReceivedCommandWith(AuthorizeSecurityGroupIngressCommand, {
      GroupId: 'sg-0new',
      IpPermissions: [
        {
          IpProtocol: 'tcp',
          FromPort: 3128,
          ToPort: 3128,
          IpRanges: [
            { CidrIp: '10.0.0.0/16', Description: 'VPC CIDR to the egress proxy' },
            { CidrIp: '100.64.0.0/20', Description: 'VPC CIDR to the egress proxy' },
          ],
        },
      ],
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateVpcEndpointCommand, 1);
    // Private DNS is verified on the service: the VPC's two DNS attributes decide it.
    expect(ec2Mock).toHaveReceivedCommandTimes(DescribeVpcAttributeCommand, 2);
    expect(ec2Mock).toHaveReceivedCommandWith(CreateVpcEndpointCommand, {
      VpcEndpointType: 'Interface',
      VpcId: VPC,
      ServiceName: HUB_SERVICE_NAME,
      // az2: the private subnet wins over the public one; az1 is not supported by the service
      SubnetIds: ['subnet-0b', 'subnet-0c'],
      SecurityGroupIds: ['sg-0new'],
      PrivateDnsEnabled: true,
    });
    expect(ec2Mock).toHaveReceivedCommandWith(CreateTagsCommand, {
      Resources: [VPC],
      Tags: [
        { Key: 'egress-proxy-managed:endpoint-id', Value: 'vpce-0a1b2c3d4e5f60718' },
        { Key: 'egress-proxy-managed:proxy-url', Value: 'http://proxy.egress.internal:3128' },
      ],
    });
    expect(eventsMock).toHaveReceivedCommandTimes(PutEventsCommand, 1);
    const entry = eventsMock.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    expect(entry).toMatchObject({ EventBusName: 'egress-control-plane', Source: 'egress-control-plane', DetailType: 'Endpoint Created' });
    expect(JSON.parse(entry?.Detail ?? '{}')).toEqual({
      accountId: ACCOUNT,
      region: 'eu-west-2',
      vpcId: VPC,
      vpcEndpointId: 'vpce-0a1b2c3d4e5f60718',
      serviceId: HUB_SERVICE_ID,
      // What this pass read moments ago, for acceptance to trust from the control plane's account.
      decided: { ownerInScope: true, vpcTagged: true, ownerAncestorIds: ['r-ab12'] },
    });
  });

  it('finds its existing endpoint and creates nothing', async () => {
    ec2Mock
      .on(DescribeVpcEndpointsCommand)
      .resolves({ VpcEndpoints: [{ VpcEndpointId: 'vpce-0f1e2d3c4b5a69788', State: 'available' as State, SubnetIds: ['subnet-0b', 'subnet-0c'] }] })
      .on(DescribeSecurityGroupsCommand)
      .resolves({
        SecurityGroups: [
          { GroupId: 'sg-0old', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, IpRanges: [{ CidrIp: '10.0.0.0/16' }, { CidrIp: '100.64.0.0/20' }] }] },
        ],
      });
    givenVpc({ 'egress-proxy': 'enabled', 'egress-proxy-managed:endpoint-id': 'vpce-0f1e2d3c4b5a69788' });
    const handler = vpcOnboardingHandler(testRuntime());

    const response = await handler(pipedSqsEvent([sample('tags/vpc-proxy-tag-added')]), lambdaContext);

    expect(response.batchItemFailures).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [
        { Name: 'vpc-id', Values: [VPC] },
        { Name: 'service-name', Values: [HUB_SERVICE_NAME] },
        { Name: 'tag:egress-proxy-managed:managed-by', Values: ['egress-control-plane'] },
      ],
    });
    expect(ec2Mock).not.toHaveReceivedCommand(CreateVpcEndpointCommand);
    expect(ec2Mock).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
    expect(ec2Mock).not.toHaveReceivedCommand(AuthorizeSecurityGroupIngressCommand);
    expect(eventsMock).not.toHaveReceivedCommand(PutEventsCommand);
    // An existing endpoint's plan never reads the VPC's DNS attributes.
    expect(ec2Mock).not.toHaveReceivedCommand(DescribeVpcAttributeCommand);
  });

  it('fails the record with an audit error when no subnet is in a supported AZ', async () => {
    ec2Mock.on(DescribeSubnetsCommand).resolves({ Subnets: [{ SubnetId: 'subnet-0d', AvailabilityZone: 'eu-west-2c', AvailabilityZoneId: 'euw2-az1' }] });
    const errorLog = jest.spyOn(logger, 'error');
    const handler = vpcOnboardingHandler(testRuntime());

    await expect(handler(pipedSqsEvent([sample('tags/vpc-proxy-tag-added')]), lambdaContext)).rejects.toThrow('All records failed');

    expect(ec2Mock).not.toHaveReceivedCommand(CreateVpcEndpointCommand);
    expect(errorLog).toHaveBeenCalledWith('audit', {
      audit: expect.objectContaining({
        action: 'vpc.converge',
        decision: 'error',
        scope: { accountId: ACCOUNT, vpcId: VPC },
        reason: expect.stringContaining('subnet-0d: AZ euw2-az1 is not supported by the service') as string,
      }) as object,
    });
    errorLog.mockRestore();
  });

  it('fails only the record of a VPC whose account lacks the spoke role, with an audit error', async () => {
    stsMock.on(AssumeRoleCommand).rejects(awsError('AccessDenied', 'not authorized to perform sts:AssumeRole'));
    const errorLog = jest.spyOn(logger, 'error');
    const handler = vpcOnboardingHandler(testRuntime());
    const event = pipedSqsEvent([sample('tags/subnet-proxy-tag-added'), sample('tags/vpc-proxy-tag-added')]);

    const response = await handler(event, lambdaContext);

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm1' }]);
    expect(errorLog).toHaveBeenCalledWith('audit', {
      audit: expect.objectContaining({ decision: 'error', reason: expect.stringContaining('AccessDenied') as string }) as object,
    });
    errorLog.mockRestore();
  });
});

describe('VPC onboarding handler: tag removed', () => {
  it('deletes only the managed endpoint and security group and removes the write-back tags', async () => {
    givenVpc({ Name: 'payments-prod', 'egress-proxy-managed:endpoint-id': 'vpce-0f1e2d3c4b5a69788', 'egress-proxy-managed:proxy-url': 'http://x:3128' });
    ec2Mock
      .on(DescribeVpcEndpointsCommand)
      .resolvesOnce({ VpcEndpoints: [{ VpcEndpointId: 'vpce-0f1e2d3c4b5a69788', State: 'available' as State }] })
      // After DeleteVpcEndpoints: the endpoint is gone.
      .resolves({ VpcEndpoints: [] })
      .on(DescribeSecurityGroupsCommand)
      .resolves({ SecurityGroups: [{ GroupId: 'sg-0old' }] })
      .on(DeleteVpcEndpointsCommand)
      .resolves({ Unsuccessful: [] })
      .on(DeleteSecurityGroupCommand)
      .resolves({})
      .on(DeleteTagsCommand)
      .resolves({});
    const handler = vpcOnboardingHandler(testRuntime());

    const response = await handler(pipedSqsEvent([sample('tags/vpc-proxy-tag-removed')]), lambdaContext);

    expect(response.batchItemFailures).toEqual([]);
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteVpcEndpointsCommand, { VpcEndpointIds: ['vpce-0f1e2d3c4b5a69788'] });
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteSecurityGroupCommand, { GroupId: 'sg-0old' });
    // The group is deleted only once the endpoint is seen gone, so the first attempt does not hit DependencyViolation.
    const order = ec2Mock.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('DeleteVpcEndpointsCommand')).toBeLessThan(order.lastIndexOf('DescribeVpcEndpointsCommand'));
    expect(order.lastIndexOf('DescribeVpcEndpointsCommand')).toBeLessThan(order.indexOf('DeleteSecurityGroupCommand'));
    expect(ec2Mock).toHaveReceivedCommandWith(DescribeVpcEndpointsCommand, {
      Filters: [{ Name: 'vpc-endpoint-id', Values: ['vpce-0f1e2d3c4b5a69788'] }],
    });
    expect(ec2Mock).toHaveReceivedCommandWith(DeleteTagsCommand, {
      Resources: [VPC],
      Tags: [{ Key: 'egress-proxy-managed:endpoint-id' }, { Key: 'egress-proxy-managed:proxy-url' }],
    });
    expect(ec2Mock).not.toHaveReceivedCommand(CreateVpcEndpointCommand);
  });

  it('changes nothing for a spoofed tag event when the VPC is not really tagged', async () => {
    givenVpc({ Name: 'payments-prod' });
    const handler = vpcOnboardingHandler(testRuntime());

    const response = await handler(pipedSqsEvent([sample('tags/vpc-proxy-tag-added')]), lambdaContext);

    expect(response.batchItemFailures).toEqual([]);
    const mutations = ec2Mock.calls().map((call) => call.args[0].constructor.name).filter((name) => !name.startsWith('Describe'));
    expect(mutations).toEqual([]);
  });
});

describe('VPC onboarding handler: fairness within a batch', () => {
  it("starts another account's VPC among the first conversions, ahead of a busy account's later VPCs", async () => {
    // Prepare: five VPCs of one account, then one VPC of another, in one batch.
    const other = '555555555555';
    const tagEvent = (accountId: string, vpcId: string) => {
      const event = sample('tags/vpc-proxy-tag-added') as { account: string; resources: string[]; id: string };
      return { ...event, id: `${accountId}-${vpcId}`, account: accountId, resources: [`arn:aws:ec2:eu-west-2:${accountId}:vpc/${vpcId}`] };
    };
    const busy = ['1', '2', '3', '4', '5'].map((n) => tagEvent(ACCOUNT, `vpc-0000000000000000${n}`));
    const handler = vpcOnboardingHandler(testRuntime());

    // Act
    await handler(pipedSqsEvent([...busy, tagEvent(other, 'vpc-0000000000000000b')]), lambdaContext);

    // Assess: the VPCs read, in the order their conversions started (four at a time).
    const readOrder = ec2Mock.commandCalls(DescribeVpcsCommand).map((call) => call.args[0].input.VpcIds?.[0]);
    expect(readOrder.indexOf('vpc-0000000000000000b')).toBeLessThan(4);
  });
});
