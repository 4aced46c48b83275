/** Shared setup for the PrivateLink tests: a hub endpoint service and spoke VPCs with a subnet per AZ. */
import {
  CreateSubnetCommand,
  CreateVpcCommand,
  CreateVpcEndpointCommand,
  CreateVpcEndpointServiceConfigurationCommand,
  DescribeAvailabilityZonesCommand,
  ModifyVpcEndpointServicePermissionsCommand,
} from '@aws-sdk/client-ec2';
import type { CreateVpcEndpointCommandInput, EC2Client } from '@aws-sdk/client-ec2';
import { HUB, REGION } from './ec2-harness';

export const nlbArn = (name = 'proxy') =>
  `arn:aws:elasticloadbalancing:${REGION}:${HUB}:loadbalancer/net/${name}/0123456789abcdef`;

export async function createService(hub: EC2Client, opts: { acceptanceRequired?: boolean; privateDnsName?: string } = {}) {
  const { ServiceConfiguration } = await hub.send(
    new CreateVpcEndpointServiceConfigurationCommand({
      NetworkLoadBalancerArns: [nlbArn()],
      AcceptanceRequired: opts.acceptanceRequired ?? true,
      PrivateDnsName: opts.privateDnsName,
      TagSpecifications: [{ ResourceType: 'vpc-endpoint-service', Tags: [{ Key: 'Name', Value: 'egress-proxy' }] }],
    }),
  );
  return ServiceConfiguration!;
}

export async function allow(hub: EC2Client, serviceId: string, ...accounts: string[]) {
  await hub.send(
    new ModifyVpcEndpointServicePermissionsCommand({
      ServiceId: serviceId,
      AddAllowedPrincipals: accounts.map((a) => `arn:aws:iam::${a}:root`),
    }),
  );
}

export interface SpokeNetwork {
  vpcId: string;
  /** The VPC is 10.<secondOctet>.0.0/16; subnets use 10.<secondOctet>.<0..zones-1>.0/24. */
  secondOctet: number;
  /** Subnet id by AZ id (one per AZ of the region). */
  subnetByZoneId: Map<string, string>;
}

let nextSecondOctet = 0;

export async function createSpokeNetwork(client: EC2Client): Promise<SpokeNetwork> {
  const octet = nextSecondOctet++;
  const { Vpc } = await client.send(new CreateVpcCommand({ CidrBlock: `10.${octet}.0.0/16` }));
  const zones = (await client.send(new DescribeAvailabilityZonesCommand({}))).AvailabilityZones ?? [];
  const subnetByZoneId = new Map<string, string>();
  for (const [i, zone] of zones.entries()) {
    const { Subnet } = await client.send(
      new CreateSubnetCommand({ VpcId: Vpc!.VpcId, CidrBlock: `10.${octet}.${i}.0/24`, AvailabilityZoneId: zone.ZoneId }),
    );
    subnetByZoneId.set(zone.ZoneId!, Subnet!.SubnetId!);
  }
  return { vpcId: Vpc!.VpcId!, secondOctet: octet, subnetByZoneId };
}

/** Subnets of the spoke network in the zones the service supports. */
export const supportedSubnets = (net: SpokeNetwork, zoneIds: string[]) => zoneIds.map((id) => net.subnetByZoneId.get(id)!);

export async function createEndpoint(
  client: EC2Client,
  net: SpokeNetwork,
  serviceName: string,
  zoneIds: string[],
  extra: Partial<CreateVpcEndpointCommandInput> = {},
) {
  const { VpcEndpoint } = await client.send(
    new CreateVpcEndpointCommand({
      VpcEndpointType: 'Interface',
      VpcId: net.vpcId,
      ServiceName: serviceName,
      SubnetIds: supportedSubnets(net, zoneIds),
      ...extra,
    }),
  );
  return VpcEndpoint!;
}
