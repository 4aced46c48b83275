import {
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcEndpointCommand,
  DeleteSecurityGroupCommand,
  DeleteVpcEndpointsCommand,
  DescribeVpcEndpointsCommand,
  ModifyVpcAttributeCommand,
  StartVpcEndpointServicePrivateDnsVerificationCommand,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { HUB, OTHER, SPOKE, errorOf, startEc2Harness } from './ec2-harness';
import type { Ec2Harness } from './ec2-harness';
import { allow, createEndpoint, createService, createSpokeNetwork, supportedSubnets } from './ec2-privatelink-fixture';
import type { SpokeNetwork } from './ec2-privatelink-fixture';

let h: Ec2Harness;
let hub: EC2Client;
let spoke: EC2Client;
let serviceName: string;
let zoneIds: string[];
let net: SpokeNetwork;
/** Emulated ms a deleted endpoint stays `deleting`; the harness clock only moves when a test advances it. */
const DELETING_MS = 4000;

beforeAll(async () => {
  h = await startEc2Harness({ endpointDeletingMs: DELETING_MS });
  hub = h.client(HUB);
  spoke = h.client(SPOKE);
  const service = await createService(hub);
  serviceName = service.ServiceName!;
  zoneIds = service.AvailabilityZoneIds!;
  await allow(hub, service.ServiceId!, SPOKE);
  net = await createSpokeNetwork(spoke);
});
afterAll(() => h.close());

const unsupportedZone = () => [...net.subnetByZoneId.keys()].find((z) => !zoneIds.includes(z))!;

describe('CreateVpcEndpoint', () => {
  it('creates an interface endpoint in one subnet per supported AZ, pending acceptance', async () => {
    // Act
    const endpoint = await createEndpoint(spoke, net, serviceName, zoneIds, {
      TagSpecifications: [{ ResourceType: 'vpc-endpoint', Tags: [{ Key: 'egress-proxy', Value: 'managed' }] }],
    });

    // Assess
    expect(endpoint.VpcEndpointId).toMatch(/^vpce-[0-9a-f]{17}$/);
    expect(endpoint.VpcEndpointType).toBe('Interface');
    expect(endpoint.State).toBe('pendingAcceptance');
    expect(endpoint.VpcId).toBe(net.vpcId);
    expect(endpoint.ServiceName).toBe(serviceName);
    expect(endpoint.OwnerId).toBe(SPOKE);
    expect(endpoint.SubnetIds).toEqual(supportedSubnets(net, zoneIds));
    expect(endpoint.Groups?.map((g) => g.GroupName)).toEqual(['default']);
    expect(endpoint.Groups?.[0]?.GroupId).toMatch(/^sg-[0-9a-f]{17}$/);
    expect(endpoint.NetworkInterfaceIds).toHaveLength(zoneIds.length);
    expect(endpoint.PrivateDnsEnabled).toBe(false);
    expect(endpoint.DnsEntries?.[0]?.DnsName).toMatch(new RegExp(`^${endpoint.VpcEndpointId}-.*\\.vpce\\.amazonaws\\.com$`));
    expect(endpoint.CreationTimestamp).toBeInstanceOf(Date);
    expect(endpoint.Tags).toEqual([{ Key: 'egress-proxy', Value: 'managed' }]);
  });

  it('requires VpcEndpointType Interface (the API default is Gateway)', async () => {
    const err = await errorOf(spoke.send(new CreateVpcEndpointCommand({ VpcId: net.vpcId, ServiceName: serviceName, SubnetIds: supportedSubnets(net, zoneIds) })));
    expect(err.name).toBe('InvalidParameter');
  });

  it('refuses a caller that is not an allowed principal with InvalidServiceName', async () => {
    const other = h.client(OTHER);
    const otherNet = await createSpokeNetwork(other);
    const err = await errorOf(createEndpoint(other, otherNet, serviceName, [...otherNet.subnetByZoneId.keys()].slice(0, 1)));
    expect(err.name).toBe('InvalidServiceName');
    expect((await errorOf(createEndpoint(spoke, net, 'com.amazonaws.vpce.eu-west-2.vpce-svc-0000000000000000f', zoneIds))).name).toBe('InvalidServiceName');
  });

  it('refuses two subnets in the same AZ with DuplicateSubnetsInSameZone', async () => {
    // Prepare: a second subnet in a supported AZ
    const { Subnet } = await spoke.send(new CreateSubnetCommand({
      VpcId: net.vpcId, CidrBlock: `10.${net.secondOctet}.100.0/24`, AvailabilityZoneId: zoneIds[0],
    }));

    // Act
    const err = await errorOf(spoke.send(new CreateVpcEndpointCommand({
      VpcEndpointType: 'Interface', VpcId: net.vpcId, ServiceName: serviceName,
      SubnetIds: [net.subnetByZoneId.get(zoneIds[0]!)!, Subnet!.SubnetId!],
    })));

    // Assess
    expect(err.name).toBe('DuplicateSubnetsInSameZone');
  });

  it('refuses a subnet in an AZ the service does not support, naming the subnet', async () => {
    const subnetId = net.subnetByZoneId.get(unsupportedZone())!;
    const err = await errorOf(spoke.send(new CreateVpcEndpointCommand({
      VpcEndpointType: 'Interface', VpcId: net.vpcId, ServiceName: serviceName, SubnetIds: [subnetId],
    })));
    expect(err.name).toBe('InvalidParameter');
    expect(err.message).toBe(`The VPC endpoint service ${serviceName} does not support the availability zone of the subnet: ${subnetId}.`);
  });

  it('refuses a security group of another VPC and a VPC of another account', async () => {
    const otherNet = await createSpokeNetwork(spoke);
    const { GroupId } = await spoke.send(new CreateSecurityGroupCommand({ VpcId: otherNet.vpcId, GroupName: 'elsewhere', Description: 'd' }));
    expect((await errorOf(createEndpoint(spoke, net, serviceName, zoneIds, { SecurityGroupIds: [GroupId!] }))).name).toBe('InvalidParameter');
    const other = h.client(OTHER);
    const err = await errorOf(other.send(new CreateVpcEndpointCommand({ VpcEndpointType: 'Interface', VpcId: net.vpcId, ServiceName: serviceName, SubnetIds: [] })));
    expect(err.name).toBe('InvalidVpcID.NotFound');
  });

  it('is idempotent on ClientToken, and refuses the token with other parameters', async () => {
    // Act
    const first = await createEndpoint(spoke, net, serviceName, zoneIds, { ClientToken: 'spoke-vpc-token' });
    const again = await createEndpoint(spoke, net, serviceName, zoneIds, { ClientToken: 'spoke-vpc-token' });
    const mismatch = await errorOf(createEndpoint(spoke, net, serviceName, zoneIds.slice(0, 1), { ClientToken: 'spoke-vpc-token' }));

    // Assess
    expect(again.VpcEndpointId).toBe(first.VpcEndpointId);
    expect(mismatch.name).toBe('IdempotentParameterMismatch');
    const { VpcEndpoints } = await spoke.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-id', Values: [first.VpcEndpointId!] }] }));
    expect(VpcEndpoints).toHaveLength(1);
  });

  it('allows private DNS only with a verified name and DNS support and hostnames on the VPC', async () => {
    // Prepare
    const dnsService = await createService(hub, { privateDnsName: 'proxy.egress.example.com' });
    await allow(hub, dnsService.ServiceId!, SPOKE);
    const dnsNet = await createSpokeNetwork(spoke);
    const create = () => createEndpoint(spoke, dnsNet, dnsService.ServiceName!, dnsService.AvailabilityZoneIds!, { PrivateDnsEnabled: true });

    // Act + Assess
    expect((await errorOf(create())).name).toBe('InvalidParameter');
    await spoke.send(new ModifyVpcAttributeCommand({ VpcId: dnsNet.vpcId, EnableDnsHostnames: { Value: true } }));
    const unverified = await errorOf(create());
    expect(unverified.name).toBe('InvalidParameter');
    expect(unverified.message).toMatch(/private DNS name/);
    await hub.send(new StartVpcEndpointServicePrivateDnsVerificationCommand({ ServiceId: dnsService.ServiceId }));
    const endpoint = await create();
    expect(endpoint.PrivateDnsEnabled).toBe(true);
    expect(endpoint.DnsEntries?.map((d) => d.DnsName)).toContain('proxy.egress.example.com');
  });
});

describe('endpoint quota', () => {
  it('allows 50 interface endpoints per VPC, then VpcEndpointLimitExceeded; a deletion frees a slot once deleted', async () => {
    // Prepare
    const quotaNet = await createSpokeNetwork(spoke);
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push((await createEndpoint(spoke, quotaNet, serviceName, zoneIds.slice(0, 1))).VpcEndpointId!);
    const createOneMore = () => createEndpoint(spoke, quotaNet, serviceName, zoneIds.slice(0, 1));

    // Act
    const over = await errorOf(createOneMore());
    await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [ids[0]!] }));
    const whileDeleting = await errorOf(createOneMore());
    h.advance(DELETING_MS);

    // Assess
    expect(over.name).toBe('VpcEndpointLimitExceeded');
    expect(whileDeleting.name).toBe('VpcEndpointLimitExceeded');
    await expect(createOneMore()).resolves.toBeDefined();
  });
});

describe('DescribeVpcEndpoints and DeleteVpcEndpoints', () => {
  it('filters by vpc-id, service-name, vpc-endpoint-state and tag, and pages', async () => {
    // Prepare
    const listNet = await createSpokeNetwork(spoke);
    const created = [];
    for (let i = 0; i < 6; i++) {
      created.push(await createEndpoint(spoke, listNet, serviceName, zoneIds.slice(0, 1), {
        TagSpecifications: [{ ResourceType: 'vpc-endpoint', Tags: [{ Key: 'n', Value: String(i) }] }],
      }));
    }
    const inVpc = { Name: 'vpc-id', Values: [listNet.vpcId] };
    const describe = (input: object) => spoke.send(new DescribeVpcEndpointsCommand(input));

    // Act
    const all = await describe({ Filters: [inVpc] });
    const byService = await describe({ Filters: [inVpc, { Name: 'service-name', Values: [serviceName] }] });
    const pending = await describe({ Filters: [inVpc, { Name: 'vpc-endpoint-state', Values: ['pendingAcceptance'] }] });
    const available = await describe({ Filters: [inVpc, { Name: 'vpc-endpoint-state', Values: ['available'] }] });
    const tagged = await describe({ Filters: [inVpc, { Name: 'tag:n', Values: ['3'] }] });
    const page1 = await describe({ Filters: [inVpc], MaxResults: 4 });
    const page2 = await describe({ Filters: [inVpc], MaxResults: 4, NextToken: page1.NextToken });

    // Assess
    expect(all.VpcEndpoints?.map((e) => e.VpcEndpointId)).toEqual(created.map((e) => e.VpcEndpointId));
    expect(byService.VpcEndpoints).toHaveLength(6);
    expect(pending.VpcEndpoints).toHaveLength(6);
    expect(available.VpcEndpoints ?? []).toHaveLength(0);
    expect(tagged.VpcEndpoints?.map((e) => e.VpcEndpointId)).toEqual([created[3]?.VpcEndpointId]);
    expect(page1.VpcEndpoints).toHaveLength(4);
    expect(page2.VpcEndpoints).toHaveLength(2);
    expect(page2.NextToken).toBeUndefined();
  });

  it('deletes endpoints, reporting unknown and foreign ids as Unsuccessful', async () => {
    // Prepare
    const endpoint = await createEndpoint(spoke, net, serviceName, zoneIds.slice(0, 1));
    const id = endpoint.VpcEndpointId!;
    const unknown = 'vpce-0000000000000dead';
    const describeById = () => spoke.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }));

    // Act
    const foreign = await h.client(OTHER).send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
    const result = await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id, unknown] }));

    // Assess
    expect(foreign.Unsuccessful?.[0]?.Error?.Code).toBe('InvalidVpcEndpointId.NotFound');
    expect(result.Unsuccessful).toEqual([
      { ResourceId: unknown, Error: { Code: 'InvalidVpcEndpointId.NotFound', Message: `The Vpc Endpoint Id '${unknown}' does not exist` } },
    ]);
    // Its network interfaces go first: `deleting` until the teardown is over, and deleting it again is no error.
    expect((await describeById()).VpcEndpoints?.map((e) => e.State)).toEqual(['deleting']);
    const byState = await spoke.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-state', Values: ['deleting'] }] }));
    expect(byState.VpcEndpoints?.map((e) => e.VpcEndpointId)).toContain(id);
    expect((await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }))).Unsuccessful ?? []).toEqual([]);
    h.advance(DELETING_MS - 1);
    expect((await describeById()).VpcEndpoints?.map((e) => e.State)).toEqual(['deleting']);
    h.advance(1);
    expect((await errorOf(describeById())).name).toBe('InvalidVpcEndpointId.NotFound');
    const again = await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [id] }));
    expect(again.Unsuccessful?.[0]?.Error?.Code).toBe('InvalidVpcEndpointId.NotFound');
  });

  it('keeps a security group in use by an endpoint from deletion (DependencyViolation)', async () => {
    // Prepare
    const { GroupId } = await spoke.send(new CreateSecurityGroupCommand({ VpcId: net.vpcId, GroupName: 'endpoint-sg', Description: 'd' }));
    const endpoint = await createEndpoint(spoke, net, serviceName, zoneIds.slice(0, 1), { SecurityGroupIds: [GroupId!] });

    const deleteGroup = () => spoke.send(new DeleteSecurityGroupCommand({ GroupId }));

    // Act
    const blocked = await errorOf(deleteGroup());
    await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [endpoint.VpcEndpointId!] }));
    h.advance(DELETING_MS - 1);
    const blockedWhileDeleting = await errorOf(deleteGroup());
    h.advance(1);

    // Assess: the endpoint's network interfaces hold the group until the endpoint is `deleted`.
    expect(blocked.name).toBe('DependencyViolation');
    expect(blockedWhileDeleting.name).toBe('DependencyViolation');
    expect(endpoint.Groups).toEqual([{ GroupId, GroupName: 'endpoint-sg' }]);
    await expect(deleteGroup()).resolves.toMatchObject({ Return: true });
  });
});
