/**
 * The reconciler's per-account unit: how many calls one account costs, and that reading the account once plans and
 * applies exactly what converging each VPC on its own (the event-driven path) does.
 */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateTagsCommand,
  CreateVpcEndpointCommand,
  DeleteTagsCommand,
  DeleteVpcEndpointsCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  EC2Client,
  RevokeSecurityGroupIngressCommand,
  type Filter,
  type SecurityGroup,
  type State,
  type Subnet,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { reconcileAccount, type AwaitingEndpoint } from '../../../functions/converge/account';
import type { ReconcilePlan } from '../../../functions/converge/reconcile-plan';
import { convergeVpc } from '../../../functions/converge/vpc';
import { vpcPlanActions } from '../../../functions/core/plan-actions';
import { logger } from '../../../functions/shared/logger';
import { HUB_SERVICE_NAME, testRuntime } from './harness';

const ec2Mock = mockClient(EC2Client);
const stsMock = mockClient(STSClient);
const s3Mock = mockClient(S3Client);
const eventsMock = mockClient(EventBridgeClient);

const ACCOUNT = '333333333333';
const IN_SCOPE = { inScope: true as const, reason: 'active member; every OU is in scope' };
const scopeOf = () => Promise.resolve(IN_SCOPE);
const MANAGED = { Key: 'egress-proxy-managed:managed-by', Value: 'egress-control-plane' };
const TAGGED = { Key: 'egress-proxy', Value: 'enabled' };

/** The spoke account's resources; the fake answers describes from them, honouring the filters we send. */
interface Spoke {
  vpcs: Vpc[];
  subnets: Subnet[];
  endpoints: VpcEndpoint[];
  groups: SecurityGroup[];
  privateDns: boolean;
}

function spokeOfThreeTaggedVpcs(): Spoke {
  const ids = ['vpc-0000000000000000a', 'vpc-0000000000000000b', 'vpc-0000000000000000c'];
  return {
    vpcs: ids.map((VpcId, i) => ({ VpcId, CidrBlock: `10.${i}.0.0/16`, Tags: [TAGGED] })),
    subnets: ids.flatMap((VpcId, i) => [
      { SubnetId: `subnet-${i}a`, VpcId, AvailabilityZone: 'eu-west-2a', AvailabilityZoneId: 'euw2-az1' },
      { SubnetId: `subnet-${i}b`, VpcId, AvailabilityZone: 'eu-west-2b', AvailabilityZoneId: 'euw2-az2' },
    ]),
    endpoints: [],
    groups: [],
    privateDns: false,
  };
}

const matches = (filters: Filter[] | undefined, fields: Record<string, string | undefined>, tags: { Key?: string; Value?: string }[] = []) =>
  (filters ?? []).every((f) => {
    const value = f.Name?.startsWith('tag:') ? tags.find((t) => t.Key === f.Name?.slice(4))?.Value : fields[f.Name ?? ''];
    return value !== undefined && (f.Values ?? []).includes(value);
  });

function fakeSpoke(spoke: Spoke): void {
  let created = 0;
  ec2Mock
    .on(DescribeVpcsCommand)
    .callsFake((input: { VpcIds?: string[] }) => ({
      Vpcs: spoke.vpcs.filter((v) => input.VpcIds === undefined || input.VpcIds.includes(v.VpcId ?? '')),
    }))
    .on(DescribeSubnetsCommand)
    .callsFake((input: { Filters?: Filter[] }) => ({ Subnets: spoke.subnets.filter((s) => matches(input.Filters, { 'vpc-id': s.VpcId })) }))
    .on(DescribeVpcEndpointsCommand)
    .callsFake((input: { Filters?: Filter[] }) => ({
      VpcEndpoints: spoke.endpoints.filter((e) =>
        matches(input.Filters, { 'vpc-id': e.VpcId, 'service-name': e.ServiceName, 'vpc-endpoint-id': e.VpcEndpointId }, e.Tags),
      ),
    }))
    .on(DescribeSecurityGroupsCommand)
    .callsFake((input: { Filters?: Filter[] }) => ({ SecurityGroups: spoke.groups.filter((g) => matches(input.Filters, { 'vpc-id': g.VpcId }, g.Tags)) }))
    .on(DescribeVpcEndpointServicesCommand)
    .resolves({
      ServiceDetails: [
        {
          ServiceName: HUB_SERVICE_NAME,
          AvailabilityZoneIds: ['euw2-az1', 'euw2-az2'],
          ...(spoke.privateDns ? { PrivateDnsName: 'proxy.egress.internal', PrivateDnsNameVerificationState: 'verified' as const } : {}),
        },
      ],
    })
    .on(DescribeVpcAttributeCommand)
    .resolves({ EnableDnsSupport: { Value: true }, EnableDnsHostnames: { Value: true } })
    .on(CreateSecurityGroupCommand)
    .callsFake((input: { VpcId: string }) => ({ GroupId: `sg-for-${input.VpcId}` }))
    .on(AuthorizeSecurityGroupIngressCommand)
    .resolves({ Return: true })
    .on(CreateVpcEndpointCommand)
    .callsFake((input: { VpcId: string; SubnetIds: string[] }) => ({
      VpcEndpoint: { VpcEndpointId: `vpce-${String(++created).padStart(17, '0')}`, VpcId: input.VpcId, State: 'pendingAcceptance' as State, SubnetIds: input.SubnetIds },
    }))
    .on(CreateTagsCommand)
    .resolves({})
    .on(RevokeSecurityGroupIngressCommand)
    .resolves({ Return: true })
    // Gone at once: the wait for deletion sees the endpoint no more.
    .on(DeleteVpcEndpointsCommand)
    .callsFake((input: { VpcEndpointIds: string[] }) => {
      spoke.endpoints = spoke.endpoints.filter((e) => !input.VpcEndpointIds.includes(e.VpcEndpointId ?? ''));
      return { Unsuccessful: [] };
    })
    .on(DeleteTagsCommand)
    .resolves({});
}

/** A mix of states. a: new; b: converged; c: no endpoint, its group lost its rule (and a group not ours); d: untagged, our leftovers. */
function mixedSpoke(): Spoke {
  const spoke = { ...spokeOfThreeTaggedVpcs(), privateDns: true };
  spoke.vpcs.push({ VpcId: 'vpc-0000000000000000d', CidrBlock: '10.3.0.0/16', Tags: [{ Key: 'egress-proxy-managed:endpoint-id', Value: 'vpce-0000000000000000d' }] });
  spoke.endpoints = ['b', 'd'].map((v) => ({
    VpcEndpointId: `vpce-0000000000000000${v}`,
    VpcId: `vpc-0000000000000000${v}`,
    ServiceName: HUB_SERVICE_NAME,
    State: 'available' as State,
    SubnetIds: v === 'b' ? ['subnet-1a', 'subnet-1b'] : [],
    Tags: [MANAGED],
  }));
  const proxyRule = (cidrs: string[]) => [{ IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, IpRanges: cidrs.map((CidrIp) => ({ CidrIp })) }];
  spoke.groups = [
    { GroupId: 'sg-b', VpcId: 'vpc-0000000000000000b', IpPermissions: proxyRule(['10.1.0.0/16']), Tags: [MANAGED] },
    { GroupId: 'sg-c', VpcId: 'vpc-0000000000000000c', IpPermissions: proxyRule([]), Tags: [MANAGED] },
    { GroupId: 'sg-other', VpcId: 'vpc-0000000000000000c', IpPermissions: proxyRule(['0.0.0.0/0']), Tags: [] },
  ];
  return spoke;
}

const newPlan = (): ReconcilePlan => ({ correlationId: 'run-1', dryRun: false, accounts: { total: 1, inScope: 1 }, actions: [], errors: [] });
const callCounts = () => {
  const counts: Record<string, number> = {};
  for (const call of ec2Mock.calls()) {
    const name = call.args[0].constructor.name.replace(/Command$/, '');
    counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
};

beforeEach(() => {
  ec2Mock.reset();
  stsMock.reset();
  s3Mock.reset();
  eventsMock.reset();
  stsMock.on(AssumeRoleCommand).resolves({
    Credentials: { AccessKeyId: 'AKIA', SecretAccessKey: 's', SessionToken: 't', Expiration: new Date(Date.now() + 3600_000) },
  });
});

afterEach(() => jest.restoreAllMocks());

describe('reconcileAccount', () => {
  it('onboards an account of three tagged VPCs with one account-wide read of each kind and four writes per VPC', async () => {
    // Prepare
    fakeSpoke(spokeOfThreeTaggedVpcs());
    const plan = newPlan();
    const awaiting: AwaitingEndpoint[] = [];

    // Act
    await reconcileAccount(testRuntime(), plan, ACCOUNT, scopeOf, { dryRun: false, correlationId: 'run-1', onAwaitingAcceptance: (e) => { awaiting.push(...e); } });

    // Assess
    expect(plan.errors).toEqual([]);
    expect(stsMock).toHaveReceivedCommandTimes(AssumeRoleCommand, 1);
    expect(callCounts()).toEqual({
      DescribeVpcs: 1,
      DescribeSubnets: 1,
      DescribeVpcEndpoints: 1,
      DescribeSecurityGroups: 1,
      DescribeVpcEndpointServices: 1,
      // The service has no private DNS name: the VPCs' DNS attributes cannot matter, so they are not read.
      CreateSecurityGroup: 3,
      AuthorizeSecurityGroupIngress: 3,
      CreateVpcEndpoint: 3,
      // Only the write-back on each VPC: the group is tagged in CreateSecurityGroup itself.
      CreateTags: 3,
    });
    for (const call of ec2Mock.commandCalls(CreateSecurityGroupCommand)) {
      expect(call.args[0].input.TagSpecifications).toEqual([{ ResourceType: 'security-group', Tags: [MANAGED, { Key: 'Name', Value: `egress-proxy-endpoint-${call.args[0].input.VpcId}` }] }]);
    }
    expect(ec2Mock.commandCalls(CreateTagsCommand).map((c) => c.args[0].input.Resources)).toEqual([
      ['vpc-0000000000000000a'],
      ['vpc-0000000000000000b'],
      ['vpc-0000000000000000c'],
    ]);
    // Each endpoint goes to acceptance with its VPC and the tags the account read saw, so acceptance need not re-read.
    expect(awaiting.map((e) => [e.vpcEndpointId, e.vpcId, e.vpcTags['egress-proxy']])).toEqual([
      ['vpce-00000000000000001', 'vpc-0000000000000000a', 'enabled'],
      ['vpce-00000000000000002', 'vpc-0000000000000000b', 'enabled'],
      ['vpce-00000000000000003', 'vpc-0000000000000000c', 'enabled'],
    ]);
  });

  it("hands its new endpoints to acceptance before it writes the account's mapping shard", async () => {
    // Prepare: vpc-b's endpoint is already available (so the shard has an entry to write); a and c get new ones.
    const spoke = spokeOfThreeTaggedVpcs();
    spoke.endpoints = [
      { VpcEndpointId: 'vpce-0000000000000000b', VpcId: 'vpc-0000000000000000b', ServiceName: HUB_SERVICE_NAME, State: 'available' as State, SubnetIds: ['subnet-1a', 'subnet-1b'], Tags: [MANAGED] },
    ];
    fakeSpoke(spoke);
    const order: string[] = [];
    s3Mock
      .on(GetObjectCommand)
      .rejects(Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } }))
      .on(PutObjectCommand)
      .callsFake((input: { Key: string }) => {
        order.push(`write ${input.Key}`);
        return { ETag: '"1"' };
      });
    // The shard's change notice to the mapping publisher.
    eventsMock.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    const plan = newPlan();

    // Act
    await reconcileAccount(testRuntime({ POLICY_BUCKET: 'egress-policy' }), plan, ACCOUNT, scopeOf, {
      dryRun: false,
      correlationId: 'run-1',
      onAwaitingAcceptance: (endpoints) => {
        order.push(`hand off ${endpoints.map((e) => e.vpcId).join(',')}`);
      },
    });

    // Assess: the service's Connect notifications are already on their way; a hand-off that arrives after them makes
    // acceptance read the owner's membership from Organizations instead of trusting the run's decision.
    expect(plan.errors).toEqual([]);
    expect(order).toEqual(['hand off vpc-0000000000000000a,vpc-0000000000000000c', expect.stringMatching(/^write .*333333333333/)]);
  });

  it('reads the DNS attributes only of VPCs whose new endpoint can have private DNS', async () => {
    // Prepare: private DNS verified on the service; vpc-b already has its endpoint.
    const spoke = { ...spokeOfThreeTaggedVpcs(), privateDns: true };
    spoke.endpoints = [
      { VpcEndpointId: 'vpce-0000000000000000b', VpcId: 'vpc-0000000000000000b', ServiceName: HUB_SERVICE_NAME, State: 'available' as State, SubnetIds: ['subnet-1a', 'subnet-1b'], Tags: [MANAGED] },
    ];
    fakeSpoke(spoke);

    // Act
    await reconcileAccount(testRuntime(), newPlan(), ACCOUNT, scopeOf, { dryRun: false, correlationId: 'run-1' });

    // Assess
    expect(ec2Mock.commandCalls(DescribeVpcAttributeCommand).map((c) => [c.args[0].input.VpcId, c.args[0].input.Attribute]).sort()).toEqual([
      ['vpc-0000000000000000a', 'enableDnsHostnames'],
      ['vpc-0000000000000000a', 'enableDnsSupport'],
      ['vpc-0000000000000000c', 'enableDnsHostnames'],
      ['vpc-0000000000000000c', 'enableDnsSupport'],
    ]);
    expect(ec2Mock).toHaveReceivedCommandTimes(CreateVpcEndpointCommand, 2);
    expect(ec2Mock).toHaveReceivedCommandWith(CreateVpcEndpointCommand, { VpcId: 'vpc-0000000000000000a', PrivateDnsEnabled: true });
  });

  it('makes the same plan lines, audit records and writes as converging each VPC on its own', async () => {
    // Prepare
    fakeSpoke(mixedSpoke());
    const runtime = testRuntime();
    const writes = () => ec2Mock.calls().map((c) => c.args[0]).filter((command) => !command.constructor.name.startsWith('Describe')).map((command) => [command.constructor.name, command.input]);

    // Act: each VPC on its own, as VPC onboarding does...
    const infoOne = jest.spyOn(logger, 'info');
    const warnOne = jest.spyOn(logger, 'warn');
    const onePlan: unknown[] = [];
    for (const vpcId of ['a', 'b', 'c', 'd'].map((v) => `vpc-0000000000000000${v}`)) {
      const standingOf = async () => ({ member: true, scope: await scopeOf() });
      const outcome = await convergeVpc(runtime, { accountId: ACCOUNT, region: 'eu-west-2', vpcId, correlationId: 'run-1' }, standingOf, { dryRun: false });
      if (outcome.plan !== undefined) onePlan.push(...vpcPlanActions(ACCOUNT, vpcId, outcome.plan));
    }
    const oneByOne = { audits: [...infoOne.mock.calls, ...warnOne.mock.calls], writes: writes() };
    jest.restoreAllMocks();
    ec2Mock.reset();
    fakeSpoke(mixedSpoke());
    // ...and the account at once, from the same starting state.
    const infoAll = jest.spyOn(logger, 'info');
    const warnAll = jest.spyOn(logger, 'warn');
    const plan = newPlan();
    await reconcileAccount(runtime, plan, ACCOUNT, scopeOf, { dryRun: false, correlationId: 'run-1' });

    // Assess
    expect(plan.errors).toEqual([]);
    expect(plan.actions).toEqual(onePlan);
    expect([...infoAll.mock.calls, ...warnAll.mock.calls]).toEqual(oneByOne.audits);
    expect(writes()).toEqual(oneByOne.writes);
    expect(plan.actions.map((a) => [a.action, a.scope.vpcId])).toEqual([
      ['vpc.create-security-group', 'vpc-0000000000000000a'],
      ['vpc.create-endpoint', 'vpc-0000000000000000a'],
      ['vpc.update-security-group', 'vpc-0000000000000000c'],
      ['vpc.create-endpoint', 'vpc-0000000000000000c'],
      ['vpc.delete-endpoint', 'vpc-0000000000000000d'],
      ['vpc.remove-tags', 'vpc-0000000000000000d'],
    ]);
  });

  it('fails the account before any VPC step when the account read fails', async () => {
    fakeSpoke(spokeOfThreeTaggedVpcs());
    ec2Mock.on(DescribeSubnetsCommand).rejects(Object.assign(new Error('not allowed'), { name: 'UnauthorizedOperation' }));

    await expect(reconcileAccount(testRuntime(), newPlan(), ACCOUNT, scopeOf, { dryRun: false, correlationId: 'run-1' })).rejects.toThrow('not allowed');
    expect(ec2Mock).not.toHaveReceivedCommand(CreateSecurityGroupCommand);
  });
});
