import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointConnectionsCommand,
  DescribeVpcEndpointServicePermissionsCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  ModifyVpcEndpointServicePermissionsCommand,
  RejectVpcEndpointConnectionsCommand,
  type State,
} from '@aws-sdk/client-ec2';
import {
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  ListRootsCommand,
  OrganizationsClient,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { sample } from '../../../events/samples';
import type { ReconcilePlan } from '../../../functions/converge/organization';
import { reconcilerHandler } from '../../../functions/handlers/reconciler';
import { awsError, HUB_SERVICE_ID, HUB_SERVICE_NAME, lambdaContext, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const orgMock = mockClient(OrganizationsClient);
const stsMock = mockClient(STSClient);

const IN_ROOT = '333333333333';
const IN_OU = '444444444444';
const SUSPENDED = '555555555555';
const GONE = '666666666666';
const root = (id: string) => `arn:aws:iam::${id}:root`;

beforeEach(() => {
  ec2Mock.reset();
  orgMock.reset();
  stsMock.reset();
  orgMock
    .on(ListRootsCommand)
    .resolves({ Roots: [{ Id: 'r-ab12' }] })
    .on(ListAccountsForParentCommand, { ParentId: 'r-ab12' })
    .resolves({ Accounts: [{ Id: IN_ROOT, State: 'ACTIVE' }, { Id: SUSPENDED, State: 'SUSPENDED' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-ab12' })
    .resolves({ OrganizationalUnits: [{ Id: 'ou-ab12-11111111' }] })
    .on(ListAccountsForParentCommand, { ParentId: 'ou-ab12-11111111' })
    .resolves({ Accounts: [{ Id: IN_OU, State: 'ACTIVE' }] })
    .on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-ab12-11111111' })
    .resolves({ OrganizationalUnits: [] });
  stsMock.on(AssumeRoleCommand).resolves({ Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) } });
  ec2Mock
    .on(DescribeVpcEndpointServicePermissionsCommand)
    .resolves({ AllowedPrincipals: [{ Principal: root(IN_ROOT) }, { Principal: root(SUSPENDED) }, { Principal: root(GONE) }] })
    .on(ModifyVpcEndpointServicePermissionsCommand)
    .resolves({ ReturnValue: true })
    .on(DescribeVpcEndpointConnectionsCommand)
    .resolves({
      VpcEndpointConnections: [
        { VpcEndpointId: 'vpce-0000000000000000a', VpcEndpointOwner: SUSPENDED, VpcEndpointState: 'available' as State },
        { VpcEndpointId: 'vpce-0000000000000000b', VpcEndpointOwner: IN_ROOT, VpcEndpointState: 'available' as State },
      ],
    })
    .on(RejectVpcEndpointConnectionsCommand)
    .resolves({ Unsuccessful: [] })
    // Every in-scope account has one untagged VPC with nothing of ours in it.
    .on(DescribeVpcsCommand)
    .resolves({ Vpcs: [{ VpcId: 'vpc-0000000000000000c', Tags: [] }] })
    .on(DescribeVpcAttributeCommand)
    .resolves({})
    .on(DescribeSubnetsCommand)
    .resolves({ Subnets: [] })
    .on(DescribeVpcEndpointServicesCommand)
    .resolves({ ServiceDetails: [] })
    .on(DescribeVpcEndpointsCommand)
    .resolves({ VpcEndpoints: [] })
    .on(DescribeSecurityGroupsCommand)
    .resolves({ SecurityGroups: [] });
});

describe('reconciler handler', () => {
  it('returns the plan of a dry run and changes nothing', async () => {
    // Prepare
    const handler = reconcilerHandler(testRuntime());

    // Act
    const plan = (await handler(sample('reconciler/manual-dry-run'), lambdaContext)) as ReconcilePlan;

    // Assess
    expect(plan).toMatchObject({ dryRun: true, correlationId: 'req-1', accounts: { total: 3, inScope: 2 }, errors: [] });
    expect(plan.actions).toEqual([
      { action: 'endpoint-service.allow-principal', scope: { accountId: IN_OU }, reason: 'active member; every OU is in scope', details: { principal: root(IN_OU) } },
      { action: 'endpoint-service.remove-principal', scope: { accountId: SUSPENDED }, reason: `account ${SUSPENDED} is SUSPENDED, not ACTIVE`, details: { principal: root(SUSPENDED) } },
      { action: 'endpoint-service.remove-principal', scope: { accountId: GONE }, reason: 'not an in-scope account of the organization', details: { principal: root(GONE) } },
      { action: 'connection.reject', scope: { accountId: SUSPENDED, endpointId: 'vpce-0000000000000000a' }, reason: `account ${SUSPENDED} is SUSPENDED, not ACTIVE`, details: { state: 'available' } },
    ]);
    const mutations = ec2Mock.calls().map((call) => call.args[0].constructor.name).filter((name) => !name.startsWith('Describe'));
    expect(mutations).toEqual([]);
  });

  it('plans the endpoint of a tagged VPC in a dry run without creating it', async () => {
    ec2Mock
      .on(DescribeVpcsCommand)
      .resolves({ Vpcs: [{ VpcId: 'vpc-0000000000000000c', CidrBlock: '10.0.0.0/16', Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }] })
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-0000000000000000c', AvailabilityZone: 'eu-west-2a', AvailabilityZoneId: 'euw2-az1' }] })
      .on(DescribeVpcEndpointServicesCommand)
      .resolves({ ServiceDetails: [{ ServiceName: HUB_SERVICE_NAME, AvailabilityZoneIds: ['euw2-az1'] }] });
    const handler = reconcilerHandler(testRuntime());

    const plan = (await handler({ dryRun: true, accountIds: [IN_ROOT] }, lambdaContext)) as ReconcilePlan;

    expect(plan.actions.filter((a) => a.action.startsWith('vpc.'))).toEqual([
      expect.objectContaining({ action: 'vpc.create-security-group', scope: { accountId: IN_ROOT, vpcId: 'vpc-0000000000000000c' }, details: { authorize: ['10.0.0.0/16'] } }),
      expect.objectContaining({ action: 'vpc.create-endpoint', details: expect.objectContaining({ subnetIds: ['subnet-1'], privateDnsEnabled: false }) as object }),
    ]);
    // Restricted to one account: only that account's spoke is visited, and other principals are left alone.
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(plan.actions.some((a) => a.action === 'endpoint-service.remove-principal')).toBe(false);
    const mutations = ec2Mock.calls().map((call) => call.args[0].constructor.name).filter((name) => !name.startsWith('Describe'));
    expect(mutations).toEqual([]);
  });

  it('plans the endpoint of a tagged VPC whose account lost its principal, after the principal, in a dry run', async () => {
    // IN_OU is not an allowed principal, so the spoke cannot see the service.
    ec2Mock
      .on(DescribeVpcsCommand)
      .resolves({ Vpcs: [{ VpcId: 'vpc-0000000000000000c', CidrBlock: '10.0.0.0/16', Tags: [{ Key: 'egress-proxy', Value: 'enabled' }] }] })
      .on(DescribeSubnetsCommand)
      .resolves({ Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-0000000000000000c', AvailabilityZone: 'eu-west-2a', AvailabilityZoneId: 'euw2-az1' }] })
      .on(DescribeVpcEndpointServicesCommand)
      .rejects(awsError('InvalidServiceName', `The Vpc Endpoint Service '${HUB_SERVICE_NAME}' does not exist`));
    const handler = reconcilerHandler(testRuntime());

    const plan = (await handler({ dryRun: true, accountIds: [IN_OU] }, lambdaContext)) as ReconcilePlan;

    expect(plan.errors).toEqual([]);
    expect(plan.actions.map((a) => a.action)).toEqual(['endpoint-service.allow-principal', 'vpc.create-security-group', 'vpc.create-endpoint']);
    expect(plan.actions[2]).toMatchObject({
      scope: { accountId: IN_OU, vpcId: 'vpc-0000000000000000c' },
      reason: expect.stringContaining("once the account's principal is allowed") as string,
      details: { awaitsPrincipal: true, subnetIds: ['subnet-1'] },
    });
    const mutations = ec2Mock.calls().map((call) => call.args[0].constructor.name).filter((name) => !name.startsWith('Describe'));
    expect(mutations).toEqual([]);
  });

  // A manual apply without fanOut converges inline (the schedule fans out: see fan-out.test.ts).
  it('applies the plan inline with one permission change and one reject call', async () => {
    const handler = reconcilerHandler(testRuntime());

    await handler({ dryRun: false }, lambdaContext);

    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyVpcEndpointServicePermissionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(ModifyVpcEndpointServicePermissionsCommand, {
      ServiceId: HUB_SERVICE_ID,
      AddAllowedPrincipals: [root(IN_OU)],
      RemoveAllowedPrincipals: [root(SUSPENDED), root(GONE)],
    });
    expect(ec2Mock).toHaveReceivedCommandTimes(RejectVpcEndpointConnectionsCommand, 1);
    expect(ec2Mock).toHaveReceivedCommandWith(RejectVpcEndpointConnectionsCommand, { VpcEndpointIds: ['vpce-0000000000000000a'] });
    // Both in-scope accounts were visited through their spoke role.
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 2);
  });

  it('completes the other accounts and then fails when one account cannot be reached', async () => {
    stsMock.on(AssumeRoleCommand, { RoleArn: `arn:aws:iam::${IN_OU}:role/EgressProxySpokeRole` }).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
    const handler = reconcilerHandler(testRuntime());

    await expect(handler({ dryRun: false }, lambdaContext)).rejects.toThrow(/1 error\(s\): 444444444444: SpokeRoleError/);

    expect(ec2Mock).toHaveReceivedCommandTimes(ModifyVpcEndpointServicePermissionsCommand, 1);
  });

  it('rejects malformed manual input', async () => {
    const handler = reconcilerHandler(testRuntime());
    await expect(handler(sample('reconciler/malformed-manual-input'), lambdaContext)).rejects.toThrow('malformed');
  });
});
