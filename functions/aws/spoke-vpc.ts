import {
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcAttributeCommand,
  DescribeVpcEndpointServicesCommand,
  DescribeVpcEndpointsCommand,
  DescribeVpcsCommand,
  type EC2Client,
  type Tag,
  type Vpc,
  type VpcEndpoint,
} from '@aws-sdk/client-ec2';
import { normalizeEndpointState } from '../core/endpoint-state';
import { MANAGED_BY_TAG, type Tags } from '../core/managed-tags';
import type { SubnetFacts } from '../core/subnets';
import type { EndpointFacts, SecurityGroupFacts, VpcSnapshot } from '../core/vpc-plan';
import { awsErrorCode } from '../shared/errors';
import { paginate } from './paginate';

/** Reads, in the spoke account, everything VPC onboarding decides from. */

const MAX_PAGE = 1000;

export function tagsToRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));
}

export async function readVpcSnapshot(
  ec2: EC2Client,
  ids: { readonly accountId: string; readonly vpcId: string },
  settings: {
    serviceName: string;
    proxyPort: number;
    /** The hub service as this account sees it, when the caller reads it once for all the account's VPCs. */
    readService?: () => Promise<ServiceView>;
  },
): Promise<VpcSnapshot> {
  const vpc = await describeVpc(ec2, ids.vpcId);
  if (vpc === undefined) {
    // Gone: nothing in it to converge, but our endpoint and group may still be listed while EC2 tears them down.
    return { ...ids, vpc: undefined, subnets: [], managedEndpoints: [], managedSecurityGroups: [], service: undefined };
  }
  const [dns, subnets, service, managedEndpoints, managedSecurityGroups] = await Promise.all([
    readDnsAttributes(ec2, ids.vpcId),
    listSubnets(ec2, ids.vpcId),
    settings.readService ? settings.readService() : describeService(ec2, settings.serviceName),
    listManagedEndpoints(ec2, ids.vpcId, settings.serviceName),
    listManagedSecurityGroups(ec2, ids.vpcId, settings.proxyPort),
  ]);
  // AvailabilityZoneIds is newer than AvailabilityZones; when only names come back, map them with the subnets,
  // which carry both (names differ per account, ids do not).
  const azIds =
    service?.availabilityZoneIds.length
      ? service.availabilityZoneIds
      : (service?.availabilityZoneNames ?? []).flatMap((name) => subnets.filter((s) => s.azName === name).map((s) => s.availabilityZoneId));
  return {
    ...ids,
    vpc: { tags: tagsToRecord(vpc.Tags), cidrBlocks: cidrBlocksOf(vpc), dns },
    subnets,
    managedEndpoints,
    managedSecurityGroups,
    service:
      service === undefined
        ? undefined
        : {
            availabilityZoneIds: new Set(azIds),
            privateDnsName: service.privateDnsName,
            privateDnsVerificationState: service.privateDnsVerificationState,
          },
  };
}

export async function describeVpc(ec2: EC2Client, vpcId: string): Promise<Vpc | undefined> {
  try {
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    return Vpcs?.[0];
  } catch (error) {
    if (awsErrorCode(error) === 'InvalidVpcID.NotFound') return undefined;
    throw error;
  }
}

/** Every associated IPv4 and IPv6 block: the proxy must admit clients from secondary CIDRs too. */
export function cidrBlocksOf(vpc: Vpc): string[] {
  const v4 = (vpc.CidrBlockAssociationSet ?? [])
    .filter((a) => a.CidrBlockState?.State === undefined || a.CidrBlockState.State === 'associated')
    .flatMap((a) => (a.CidrBlock === undefined ? [] : [a.CidrBlock]));
  const v6 = (vpc.Ipv6CidrBlockAssociationSet ?? [])
    .filter((a) => a.Ipv6CidrBlockState?.State === undefined || a.Ipv6CidrBlockState.State === 'associated')
    .flatMap((a) => (a.Ipv6CidrBlock === undefined ? [] : [a.Ipv6CidrBlock]));
  // Some answers (and emulators) carry only the primary block, without the association set.
  if (v4.length === 0 && vpc.CidrBlock !== undefined) v4.push(vpc.CidrBlock);
  return [...new Set([...v4, ...v6])].sort();
}

async function readDnsAttributes(ec2: EC2Client, vpcId: string) {
  const [support, hostnames] = await Promise.all([
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' })),
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' })),
  ]);
  return {
    enableDnsSupport: support.EnableDnsSupport?.Value === true,
    enableDnsHostnames: hostnames.EnableDnsHostnames?.Value === true,
  };
}

async function listSubnets(ec2: EC2Client, vpcId: string): Promise<(SubnetFacts & { azName: string | undefined })[]> {
  const subnets: (SubnetFacts & { azName: string | undefined })[] = [];
  for await (const page of paginate((NextToken) =>
    ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }], MaxResults: MAX_PAGE, NextToken })),
  )) {
    for (const s of page.Subnets ?? []) {
      if (s.SubnetId === undefined || s.AvailabilityZoneId === undefined) continue;
      subnets.push({
        subnetId: s.SubnetId,
        availabilityZoneId: s.AvailabilityZoneId,
        azName: s.AvailabilityZone,
        mapPublicIpOnLaunch: s.MapPublicIpOnLaunch === true,
        tags: tagsToRecord(s.Tags),
      });
    }
  }
  return subnets;
}

/**
 * The hub service as this account sees it. EC2 answers `InvalidServiceName` when the service does not exist or the
 * account is not (yet) an allowed principal: both mean "not visible".
 */
export type ServiceView = Awaited<ReturnType<typeof describeService>>;

/**
 * One DescribeVpcEndpointServices per account instead of per VPC: the answer depends only on the account (its AZ
 * mapping and whether it is an allowed principal), not on the VPC. The read happens on first use.
 */
export function sharedServiceReader(ec2: EC2Client, serviceName: string): () => Promise<ServiceView> {
  let view: Promise<ServiceView> | undefined;
  return () => (view ??= describeService(ec2, serviceName));
}

async function describeService(ec2: EC2Client, serviceName: string) {
  try {
    const { ServiceDetails } = await ec2.send(new DescribeVpcEndpointServicesCommand({ ServiceNames: [serviceName] }));
    const detail = ServiceDetails?.find((d) => d.ServiceName === serviceName);
    if (detail === undefined) return undefined;
    return {
      availabilityZoneIds: detail.AvailabilityZoneIds ?? [],
      availabilityZoneNames: detail.AvailabilityZones ?? [],
      privateDnsName: detail.PrivateDnsName,
      privateDnsVerificationState: detail.PrivateDnsNameVerificationState,
    };
  } catch (error) {
    if (awsErrorCode(error) === 'InvalidServiceName') return undefined;
    throw error;
  }
}

const managedTagFilter = { Name: `tag:${MANAGED_BY_TAG.key}`, Values: [MANAGED_BY_TAG.value] };

async function listManagedEndpoints(ec2: EC2Client, vpcId: string, serviceName: string): Promise<EndpointFacts[]> {
  const endpoints: EndpointFacts[] = [];
  for await (const page of paginate((NextToken) =>
    ec2.send(
      new DescribeVpcEndpointsCommand({
        Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'service-name', Values: [serviceName] }, managedTagFilter],
        MaxResults: MAX_PAGE,
        NextToken,
      }),
    ),
  )) {
    for (const e of page.VpcEndpoints ?? []) {
      const facts = endpointFacts(e);
      if (facts !== undefined) endpoints.push(facts);
    }
  }
  return endpoints;
}

export function endpointFacts(e: VpcEndpoint): EndpointFacts | undefined {
  if (e.VpcEndpointId === undefined) return undefined;
  return {
    endpointId: e.VpcEndpointId,
    state: normalizeEndpointState(e.State),
    subnetIds: e.SubnetIds ?? [],
    // The first DNS entry is the regional name, which resolves in every AZ the endpoint covers.
    dnsName: e.DnsEntries?.[0]?.DnsName,
    privateDnsEnabled: e.PrivateDnsEnabled === true,
  };
}

async function listManagedSecurityGroups(ec2: EC2Client, vpcId: string, proxyPort: number): Promise<SecurityGroupFacts[]> {
  const groups: SecurityGroupFacts[] = [];
  for await (const page of paginate((NextToken) =>
    ec2.send(
      new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, managedTagFilter], MaxResults: MAX_PAGE, NextToken }),
    ),
  )) {
    for (const g of page.SecurityGroups ?? []) {
      if (g.GroupId === undefined) continue;
      const proxyRules = (g.IpPermissions ?? []).filter((p) => p.IpProtocol === 'tcp' && p.FromPort === proxyPort && p.ToPort === proxyPort);
      groups.push({
        groupId: g.GroupId,
        ingressCidrs: proxyRules.flatMap((p) => [
          ...(p.IpRanges ?? []).flatMap((r) => (r.CidrIp === undefined ? [] : [r.CidrIp])),
          ...(p.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 === undefined ? [] : [r.CidrIpv6])),
        ]),
      });
    }
  }
  return groups;
}

/** For acceptance: which VPC each endpoint lives in, and that VPC's tags, read in the owner's account. */
export async function readEndpointVpcs(
  ec2: EC2Client,
  endpointIds: readonly string[],
): Promise<Map<string, { vpcId: string; tags: Tags }>> {
  const endpointToVpc = new Map<string, string>();
  for await (const page of paginate((NextToken) =>
    ec2.send(new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'vpc-endpoint-id', Values: [...endpointIds] }], MaxResults: MAX_PAGE, NextToken })),
  )) {
    for (const e of page.VpcEndpoints ?? []) if (e.VpcEndpointId && e.VpcId) endpointToVpc.set(e.VpcEndpointId, e.VpcId);
  }
  const vpcIds = [...new Set(endpointToVpc.values())].sort();
  const tagsByVpc = new Map<string, Tags>();
  if (vpcIds.length > 0) {
    for await (const page of paginate((NextToken) =>
      ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'vpc-id', Values: vpcIds }], MaxResults: MAX_PAGE, NextToken })),
    )) {
      for (const v of page.Vpcs ?? []) if (v.VpcId !== undefined) tagsByVpc.set(v.VpcId, tagsToRecord(v.Tags));
    }
  }
  const result = new Map<string, { vpcId: string; tags: Tags }>();
  for (const [endpointId, vpcId] of endpointToVpc) result.set(endpointId, { vpcId, tags: tagsByVpc.get(vpcId) ?? {} });
  return result;
}

/** Every VPC of the account in the client's region, for the reconciler. */
export async function listVpcIds(ec2: EC2Client): Promise<string[]> {
  const ids: string[] = [];
  for await (const page of paginate((NextToken) => ec2.send(new DescribeVpcsCommand({ MaxResults: MAX_PAGE, NextToken })))) {
    for (const v of page.Vpcs ?? []) if (v.VpcId !== undefined) ids.push(v.VpcId);
  }
  return ids.sort();
}
