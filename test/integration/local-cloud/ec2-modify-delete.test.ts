/** Changing and removing what exists: what a reconciler repairs and what offboarding tears down. */
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointConnectionNotificationCommand,
  DeleteSubnetCommand,
  DeleteVpcCommand,
  DeleteVpcEndpointConnectionNotificationsCommand,
  DeleteVpcEndpointServiceConfigurationsCommand,
  DeleteVpcEndpointsCommand,
  DescribeSecurityGroupsCommand,
  DescribeVpcEndpointConnectionNotificationsCommand,
  DescribeVpcEndpointServiceConfigurationsCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  ModifyVpcEndpointCommand,
  ModifyVpcEndpointServiceConfigurationCommand,
  RejectVpcEndpointConnectionsCommand,
  RevokeSecurityGroupIngressCommand,
  StartVpcEndpointServicePrivateDnsVerificationCommand,
} from '@aws-sdk/client-ec2';
import type { EC2Client } from '@aws-sdk/client-ec2';
import { HUB, REGION, SPOKE, errorOf, startEc2Harness } from './ec2-harness';
import type { Ec2Harness } from './ec2-harness';
import { allow, createEndpoint, createService, createSpokeNetwork } from './ec2-privatelink-fixture';

let h: Ec2Harness;
/** Emulated ms a deleted endpoint stays `deleting` (the harness clock moves only when a test advances it). */
const ENDPOINT_DELETING_MS = 3000;
let hub: EC2Client;
let spoke: EC2Client;

beforeAll(async () => {
  h = await startEc2Harness({ endpointDeletingMs: ENDPOINT_DELETING_MS });
  hub = h.client(HUB);
  spoke = h.client(SPOKE);
});
afterAll(() => h.close());

async function allowedService(opts: { acceptanceRequired?: boolean; privateDnsName?: string } = {}) {
  const service = await createService(hub, opts);
  await allow(hub, service.ServiceId!, SPOKE);
  return service;
}

const describeEndpoint = async (id: string) =>
  (await spoke.send(new DescribeVpcEndpointsCommand({ VpcEndpointIds: [id] }))).VpcEndpoints![0]!;

describe('ModifyVpcEndpoint', () => {
  it('adds a subnet in another supported AZ and swaps security groups', async () => {
    // Prepare
    const service = await allowedService();
    const net = await createSpokeNetwork(spoke);
    const [zoneA, zoneB] = service.AvailabilityZoneIds!;
    const endpoint = await createEndpoint(spoke, net, service.ServiceName!, [zoneA!]);
    const { GroupId } = await spoke.send(new CreateSecurityGroupCommand({ VpcId: net.vpcId, GroupName: 'proxy', Description: 'd' }));

    // Act
    const result = await spoke.send(new ModifyVpcEndpointCommand({
      VpcEndpointId: endpoint.VpcEndpointId,
      AddSubnetIds: [net.subnetByZoneId.get(zoneB!)!],
      AddSecurityGroupIds: [GroupId!],
      RemoveSecurityGroupIds: [endpoint.Groups![0]!.GroupId!],
    }));
    const after = await describeEndpoint(endpoint.VpcEndpointId!);

    // Assess
    expect(result.Return).toBe(true);
    expect(after.SubnetIds).toEqual([net.subnetByZoneId.get(zoneA!), net.subnetByZoneId.get(zoneB!)]);
    expect(after.NetworkInterfaceIds?.[0]).toBe(endpoint.NetworkInterfaceIds?.[0]);
    expect(after.NetworkInterfaceIds).toHaveLength(2);
    expect(after.Groups).toEqual([{ GroupId, GroupName: 'proxy' }]);
  });

  it('refuses an unsupported AZ, a second subnet in one AZ, and private DNS the VPC cannot serve', async () => {
    // Prepare
    const service = await allowedService({ privateDnsName: 'proxy.example.com' });
    await hub.send(new StartVpcEndpointServicePrivateDnsVerificationCommand({ ServiceId: service.ServiceId }));
    const net = await createSpokeNetwork(spoke);
    const [zoneA] = service.AvailabilityZoneIds!;
    const endpoint = await createEndpoint(spoke, net, service.ServiceName!, [zoneA!]);
    const unsupported = [...net.subnetByZoneId.entries()].find(([zone]) => !service.AvailabilityZoneIds!.includes(zone))![1];
    const { Subnet } = await spoke.send(new CreateSubnetCommand({ VpcId: net.vpcId, CidrBlock: `10.${net.secondOctet}.50.0/24`, AvailabilityZoneId: zoneA }));
    const modify = (input: object) => errorOf(spoke.send(new ModifyVpcEndpointCommand({ VpcEndpointId: endpoint.VpcEndpointId, ...input })));

    // Act + Assess
    expect((await modify({ AddSubnetIds: [unsupported] })).name).toBe('InvalidParameter');
    expect((await modify({ AddSubnetIds: [Subnet!.SubnetId!] })).name).toBe('DuplicateSubnetsInSameZone');
    expect((await modify({ PrivateDnsEnabled: true })).name).toBe('InvalidParameter');
    expect((await errorOf(spoke.send(new ModifyVpcEndpointCommand({ VpcEndpointId: 'vpce-0000000000000beef' })))).name).toBe(
      'InvalidVpcEndpointId.NotFound',
    );
    expect((await describeEndpoint(endpoint.VpcEndpointId!)).SubnetIds).toEqual([net.subnetByZoneId.get(zoneA!)]);
  });
});

describe('ModifyVpcEndpointServiceConfiguration and DeleteVpcEndpointServiceConfigurations', () => {
  it('switches acceptance off (new endpoints start pending) and resets verification of a new DNS name', async () => {
    // Prepare
    const service = await allowedService({ privateDnsName: 'old.example.com' });
    await hub.send(new StartVpcEndpointServicePrivateDnsVerificationCommand({ ServiceId: service.ServiceId }));
    const net = await createSpokeNetwork(spoke);

    // Act
    await hub.send(new ModifyVpcEndpointServiceConfigurationCommand({ ServiceId: service.ServiceId, AcceptanceRequired: false, PrivateDnsName: 'new.example.com' }));
    const endpoint = await createEndpoint(spoke, net, service.ServiceName!, service.AvailabilityZoneIds!.slice(0, 1));
    const { ServiceConfigurations } = await hub.send(new DescribeVpcEndpointServiceConfigurationsCommand({ ServiceIds: [service.ServiceId!] }));

    // Assess
    expect(endpoint.State).toBe('pending');
    expect(ServiceConfigurations?.[0]).toMatchObject({
      AcceptanceRequired: false,
      PrivateDnsName: 'new.example.com',
      PrivateDnsNameConfiguration: expect.objectContaining({ State: 'pendingVerification' }) as unknown,
    });
  });

  it('refuses to delete a service with live connections, deletes it once they are rejected', async () => {
    // Prepare
    const service = await allowedService();
    const net = await createSpokeNetwork(spoke);
    const endpoint = await createEndpoint(spoke, net, service.ServiceName!, service.AvailabilityZoneIds!.slice(0, 1));
    const remove = () => hub.send(new DeleteVpcEndpointServiceConfigurationsCommand({ ServiceIds: [service.ServiceId!] }));

    // Act
    const blocked = await remove();
    await hub.send(new RejectVpcEndpointConnectionsCommand({ ServiceId: service.ServiceId, VpcEndpointIds: [endpoint.VpcEndpointId!] }));
    const deleted = await remove();

    // Assess
    expect(blocked.Unsuccessful?.map((u) => [u.ResourceId, u.Error?.Code])).toEqual([[service.ServiceId, 'ExistingVpcEndpointConnections']]);
    expect(deleted.Unsuccessful ?? []).toEqual([]);
    expect((await errorOf(spoke.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [service.ServiceName!] })))).name).toBe('InvalidServiceName');
    expect((await remove()).Unsuccessful?.[0]?.Error?.Code).toBe('InvalidVpcEndpointServiceId.NotFound');
  });
});

describe('DeleteVpcEndpointConnectionNotifications', () => {
  it('deletes a notification and reports unknown ids as Unsuccessful', async () => {
    const service = await createService(hub);
    const { ConnectionNotification } = await hub.send(new CreateVpcEndpointConnectionNotificationCommand({
      ServiceId: service.ServiceId, ConnectionNotificationArn: `arn:aws:sns:${REGION}:${HUB}:t`, ConnectionEvents: ['Connect'],
    }));
    const id = ConnectionNotification!.ConnectionNotificationId!;
    const result = await hub.send(new DeleteVpcEndpointConnectionNotificationsCommand({ ConnectionNotificationIds: [id, 'vpce-nfn-00000000000000bad'] }));
    expect(result.Unsuccessful?.map((u) => u.ResourceId)).toEqual(['vpce-nfn-00000000000000bad']);
    const left = await hub.send(new DescribeVpcEndpointConnectionNotificationsCommand({ Filters: [{ Name: 'service-id', Values: [service.ServiceId!] }] }));
    expect(left.ConnectionNotificationSet ?? []).toEqual([]);
  });
});

describe('RevokeSecurityGroupIngress, DeleteSubnet and DeleteVpc', () => {
  it('revokes a rule, and refuses a rule that does not exist', async () => {
    const { Vpc } = await spoke.send(new CreateVpcCommand({ CidrBlock: '10.200.0.0/16' }));
    const { GroupId } = await spoke.send(new CreateSecurityGroupCommand({ VpcId: Vpc!.VpcId, GroupName: 'r', Description: 'd' }));
    const rule = { IpProtocol: 'tcp', FromPort: 3128, ToPort: 3128, IpRanges: [{ CidrIp: '10.0.0.0/8' }] };
    await spoke.send(new AuthorizeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }));
    await expect(spoke.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] }))).resolves.toMatchObject({ Return: true });
    const [group] = (await spoke.send(new DescribeSecurityGroupsCommand({ GroupIds: [GroupId!] }))).SecurityGroups ?? [];
    expect(group?.IpPermissions ?? []).toEqual([]);
    expect((await errorOf(spoke.send(new RevokeSecurityGroupIngressCommand({ GroupId, IpPermissions: [rule] })))).name).toBe('InvalidPermission.NotFound');
  });

  it('keeps a subnet with an endpoint and a VPC with subnets; deletes them in order', async () => {
    // Prepare
    const service = await allowedService();
    const net = await createSpokeNetwork(spoke);
    const endpoint = await createEndpoint(spoke, net, service.ServiceName!, service.AvailabilityZoneIds!.slice(0, 1));
    const endpointSubnet = endpoint.SubnetIds![0]!;

    // Act + Assess
    expect((await errorOf(spoke.send(new DeleteSubnetCommand({ SubnetId: endpointSubnet })))).name).toBe('DependencyViolation');
    expect((await errorOf(spoke.send(new DeleteVpcCommand({ VpcId: net.vpcId })))).name).toBe('DependencyViolation');
    await spoke.send(new DeleteVpcEndpointsCommand({ VpcEndpointIds: [endpoint.VpcEndpointId!] }));
    // The endpoint's network interface stays in its subnet until the endpoint is `deleted`.
    expect((await errorOf(spoke.send(new DeleteSubnetCommand({ SubnetId: endpointSubnet })))).name).toBe('DependencyViolation');
    h.advance(ENDPOINT_DELETING_MS);
    for (const subnetId of net.subnetByZoneId.values()) await spoke.send(new DeleteSubnetCommand({ SubnetId: subnetId }));
    await spoke.send(new DeleteVpcCommand({ VpcId: net.vpcId }));
    expect((await errorOf(spoke.send(new DeleteVpcCommand({ VpcId: net.vpcId })))).name).toBe('InvalidVpcID.NotFound');
  });
});
