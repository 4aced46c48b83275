/** EC2 resources as the XML members the SDK deserializers read (names checked against the SDK schemas). */
import { accountZones } from './zones';
import { tagSetXml } from './tagging';
import type { EndpointService, SecurityGroup, SecurityGroupRule, Subnet, Vpc, VpcEndpoint } from './state';
import type { XmlObject } from './xml';
import { endpointState } from './lifecycle';

export function vpcXml(vpc: Vpc): XmlObject {
  return {
    vpcId: vpc.id,
    ownerId: vpc.ownerId,
    state: 'available',
    cidrBlock: vpc.cidrs[0]?.cidr,
    cidrBlockAssociationSet: vpc.cidrs.map((c) => ({
      associationId: c.associationId,
      cidrBlock: c.cidr,
      cidrBlockState: { state: 'associated' },
    })),
    dhcpOptionsId: vpc.dhcpOptionsId,
    instanceTenancy: 'default',
    isDefault: false,
    tagSet: tagSetXml(vpc.tags),
  };
}

export function subnetXml(subnet: Subnet): XmlObject {
  const size = 2 ** (32 - Number(subnet.cidr.split('/')[1]));
  return {
    subnetId: subnet.id,
    subnetArn: `arn:aws:ec2:${subnet.region}:${subnet.ownerId}:subnet/${subnet.id}`,
    ownerId: subnet.ownerId,
    vpcId: subnet.vpcId,
    state: 'available',
    cidrBlock: subnet.cidr,
    // AWS reserves 5 addresses in every subnet.
    availableIpAddressCount: size - 5,
    availabilityZone: subnet.zone.name,
    availabilityZoneId: subnet.zone.id,
    defaultForAz: false,
    mapPublicIpOnLaunch: false,
    assignIpv6AddressOnCreation: false,
    ipv6Native: false,
    tagSet: tagSetXml(subnet.tags),
  };
}

/** Rules grouped into IpPermissions by protocol and port range, as DescribeSecurityGroups prints them. */
function permissionsXml(rules: SecurityGroupRule[], ownerId: string): XmlObject[] {
  const byKey = new Map<string, { ipRanges: XmlObject[]; ipv6Ranges: XmlObject[]; groups: XmlObject[]; prefixListIds: XmlObject[]; rule: SecurityGroupRule }>();
  for (const rule of rules) {
    const key = `${rule.protocol}/${rule.fromPort}/${rule.toPort}`;
    let entry = byKey.get(key);
    if (!entry) {
      entry = { ipRanges: [], ipv6Ranges: [], groups: [], prefixListIds: [], rule };
      byKey.set(key, entry);
    }
    if (rule.cidrIpv4) entry.ipRanges.push({ cidrIp: rule.cidrIpv4, description: rule.description });
    if (rule.cidrIpv6) entry.ipv6Ranges.push({ cidrIpv6: rule.cidrIpv6, description: rule.description });
    if (rule.groupId) entry.groups.push({ groupId: rule.groupId, userId: ownerId, description: rule.description });
    if (rule.prefixListId) entry.prefixListIds.push({ prefixListId: rule.prefixListId, description: rule.description });
  }
  return [...byKey.values()].map(({ rule, ...ranges }) => ({
    ipProtocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    groups: ranges.groups,
    ipRanges: ranges.ipRanges,
    ipv6Ranges: ranges.ipv6Ranges,
    prefixListIds: ranges.prefixListIds,
  }));
}

export function securityGroupXml(group: SecurityGroup): XmlObject {
  return {
    ownerId: group.ownerId,
    groupName: group.name,
    groupId: group.id,
    groupDescription: group.description,
    vpcId: group.vpcId,
    securityGroupArn: securityGroupArn(group),
    ipPermissions: permissionsXml(group.ingress, group.ownerId),
    ipPermissionsEgress: permissionsXml(group.egress, group.ownerId),
    tagSet: tagSetXml(group.tags),
  };
}

export const securityGroupArn = (group: SecurityGroup) =>
  `arn:aws:ec2:${group.region}:${group.ownerId}:security-group/${group.id}`;

export function ruleXml(group: SecurityGroup, rule: SecurityGroupRule, isEgress: boolean): XmlObject {
  return {
    securityGroupRuleId: rule.id,
    groupId: group.id,
    groupOwnerId: group.ownerId,
    isEgress,
    ipProtocol: rule.protocol,
    fromPort: rule.fromPort ?? -1,
    toPort: rule.toPort ?? -1,
    cidrIpv4: rule.cidrIpv4,
    cidrIpv6: rule.cidrIpv6,
    prefixListId: rule.prefixListId,
    referencedGroupInfo: rule.groupId ? { groupId: rule.groupId, userId: group.ownerId } : undefined,
    description: rule.description,
    securityGroupRuleArn: `arn:aws:ec2:${group.region}:${group.ownerId}:security-group-rule/${rule.id}`,
  };
}

/** A stable pseudo-random suffix for endpoint DNS names, derived from the endpoint id. */
const dnsSuffix = (id: string) => id.slice(-8).split('').reverse().join('');
const VPCE_HOSTED_ZONE = 'Z7K1066E3PUKB';

export function endpointDnsEntries(endpoint: VpcEndpoint): XmlObject[] {
  const { service } = endpoint;
  const base = `${endpoint.id}-${dnsSuffix(endpoint.id)}.${service.id}.${service.region}.vpce.amazonaws.com`;
  const entries: XmlObject[] = [{ dnsName: base, hostedZoneId: VPCE_HOSTED_ZONE }];
  for (const subnet of endpoint.subnets) {
    entries.push({
      dnsName: base.replace(`.${service.id}.`, `-${subnet.zone.name}.${service.id}.`),
      hostedZoneId: VPCE_HOSTED_ZONE,
    });
  }
  if (endpoint.privateDnsEnabled && service.privateDnsName) {
    entries.push({ dnsName: service.privateDnsName, hostedZoneId: 'ZPRIVATEHOSTEDZONE' });
  }
  return entries;
}

export function endpointXml(endpoint: VpcEndpoint, now: number): XmlObject {
  return {
    vpcEndpointId: endpoint.id,
    vpcEndpointType: 'Interface',
    vpcId: endpoint.vpcId,
    serviceName: endpoint.service.name,
    state: endpointState(endpoint, now),
    routeTableIdSet: [],
    subnetIdSet: endpoint.subnets.map((s) => s.id),
    groupSet: endpoint.groups.map((g) => ({ groupId: g.id, groupName: g.name })),
    ipAddressType: 'ipv4',
    dnsOptions: { dnsRecordIpType: endpoint.dnsRecordIpType },
    privateDnsEnabled: endpoint.privateDnsEnabled,
    requesterManaged: false,
    networkInterfaceIdSet: endpoint.networkInterfaceIds,
    dnsEntrySet: endpointDnsEntries(endpoint),
    creationTimestamp: endpoint.createdAt,
    tagSet: tagSetXml(endpoint.tags),
    ownerId: endpoint.ownerId,
  };
}

const baseDnsName = (service: EndpointService) => `${service.id}.${service.region}.vpce.amazonaws.com`;

/** The provider's view (DescribeVpcEndpointServiceConfigurations): zones as the owner names them. */
export function serviceConfigurationXml(service: EndpointService): XmlObject {
  const ownerZones = accountZones(service.ownerId, service.region).filter((z) => service.zoneIds.includes(z.id));
  return {
    serviceType: [{ serviceType: 'Interface' }],
    serviceId: service.id,
    serviceName: service.name,
    serviceState: 'Available',
    availabilityZoneIdSet: ownerZones.map((z) => z.id),
    availabilityZoneSet: ownerZones.map((z) => z.name),
    acceptanceRequired: service.acceptanceRequired,
    managesVpcEndpoints: false,
    networkLoadBalancerArnSet: service.networkLoadBalancerArns,
    supportedIpAddressTypeSet: ['ipv4'],
    baseEndpointDnsNameSet: [baseDnsName(service)],
    privateDnsName: service.privateDnsName,
    privateDnsNameConfiguration: service.privateDnsName
      ? { state: service.privateDnsState, type: 'TXT', value: service.privateDnsTxt.value, name: service.privateDnsTxt.name }
      : undefined,
    payerResponsibility: 'ServiceOwner',
    tagSet: tagSetXml(service.tags),
  };
}

/** The consumer's view (DescribeVpcEndpointServices): zone names in the CALLER's mapping, as AWS does. */
export function serviceDetailXml(service: EndpointService, callerAccountId: string): XmlObject {
  const callerZones = accountZones(callerAccountId, service.region).filter((z) => service.zoneIds.includes(z.id));
  return {
    serviceName: service.name,
    serviceId: service.id,
    serviceType: [{ serviceType: 'Interface' }],
    availabilityZoneIdSet: callerZones.map((z) => z.id),
    availabilityZoneSet: callerZones.map((z) => z.name),
    owner: service.ownerId,
    baseEndpointDnsNameSet: [baseDnsName(service)],
    privateDnsName: service.privateDnsName,
    privateDnsNameSet: service.privateDnsName ? [{ privateDnsName: service.privateDnsName }] : undefined,
    vpcEndpointPolicySupported: false,
    acceptanceRequired: service.acceptanceRequired,
    managesVpcEndpoints: false,
    payerResponsibility: 'ServiceOwner',
    tagSet: callerAccountId === service.ownerId ? tagSetXml(service.tags) : undefined,
    privateDnsNameVerificationState: service.privateDnsName ? service.privateDnsState : undefined,
    supportedIpAddressTypeSet: ['ipv4'],
  };
}

export function connectionXml(endpoint: VpcEndpoint, now: number): XmlObject {
  return {
    serviceId: endpoint.service.id,
    vpcEndpointId: endpoint.id,
    vpcEndpointOwner: endpoint.ownerId,
    vpcEndpointState: endpointState(endpoint, now),
    creationTimestamp: endpoint.createdAt,
    dnsEntrySet: endpointDnsEntries(endpoint),
    networkLoadBalancerArnSet: endpoint.service.networkLoadBalancerArns,
    ipAddressType: 'ipv4',
    vpcEndpointConnectionId: endpoint.connectionId,
    vpcEndpointRegion: endpoint.region,
  };
}
