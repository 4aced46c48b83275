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
import {
  byVpc,
  serviceFacts,
  vpcSnapshotOf,
  type AccountSnapshot,
  type AccountVpc,
  type LocatedSubnet,
  type ServiceDetails,
} from '../core/account-snapshot';
import { normalizeEndpointState } from '../core/endpoint-state';
import { MANAGED_BY_TAG, type Tags } from '../core/managed-tags';
import type { VpcDnsFacts } from '../core/private-dns';
import type { EndpointFacts, SecurityGroupFacts, VpcSnapshot } from '../core/vpc-plan';
import { awsErrorCode } from '../shared/errors';
import { paginate } from './paginate';

/** Reads, in the spoke account, everything VPC onboarding and the reconciler decide from. */

const MAX_PAGE = 1000;

export function tagsToRecord(tags: readonly Tag[] | undefined): Record<string, string> {
  return Object.fromEntries((tags ?? []).flatMap((t) => (t.Key === undefined ? [] : [[t.Key, t.Value ?? '']])));
}

/**
 * One VPC, for the event-driven onboarding path: the same reads as the account snapshot, filtered to the VPC, and
 * none of them once the VPC turns out to be gone. DNS attributes are left to the caller (`needsVpcDns`).
 */
export async function readVpcSnapshot(
  ec2: EC2Client,
  ids: { readonly accountId: string; readonly vpcId: string },
  settings: { serviceName: string; proxyPort: number },
): Promise<VpcSnapshot> {
  const vpc = await describeVpc(ec2, ids.vpcId);
  // Gone: nothing in it to converge, but our endpoint and group may still be listed while EC2 tears them down.
  if (vpc === undefined) return vpcSnapshotOf(emptyAccount(ids.accountId), ids.vpcId);
  const inVpc = { vpcId: ids.vpcId };
  const [subnets, service, endpoints, groups] = await Promise.all([
    listSubnets(ec2, inVpc),
    describeService(ec2, settings.serviceName),
    listManagedEndpoints(ec2, settings.serviceName, inVpc),
    listManagedSecurityGroups(ec2, settings.proxyPort, inVpc),
  ]);
  return vpcSnapshotOf(
    {
      ...emptyAccount(ids.accountId),
      vpcs: [accountVpc(vpc)],
      subnetsByVpc: byVpc(subnets),
      endpointsByVpc: byVpc(endpoints),
      securityGroupsByVpc: byVpc(groups),
      service: serviceFacts(service, subnets.map((s) => s.item)),
    },
    ids.vpcId,
  );
}

function emptyAccount(accountId: string): AccountSnapshot {
  return { accountId, vpcs: [], subnetsByVpc: new Map(), endpointsByVpc: new Map(), securityGroupsByVpc: new Map(), service: undefined };
}

export function accountVpc(vpc: Vpc & { VpcId: string }): AccountVpc {
  return { vpcId: vpc.VpcId, tags: tagsToRecord(vpc.Tags), cidrBlocks: cidrBlocksOf(vpc) };
}

/** Filters a describe to one VPC, or (no `vpcId`) leaves it account-wide. */
export interface VpcFilter {
  readonly vpcId?: string;
}

const vpcIdFilters = (where: VpcFilter) => (where.vpcId === undefined ? [] : [{ Name: 'vpc-id', Values: [where.vpcId] }]);

/** A resource and the VPC it lives in (see `byVpc`). */
export interface InVpc<T> {
  readonly vpcId: string;
  readonly item: T;
}

export async function describeVpc(ec2: EC2Client, vpcId: string): Promise<(Vpc & { VpcId: string }) | undefined> {
  try {
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [vpcId] }));
    const vpc = Vpcs?.[0];
    return vpc?.VpcId === undefined ? undefined : { ...vpc, VpcId: vpc.VpcId };
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

/** Two calls, and no way to read them for many VPCs at once: callers read them only when the plan needs them. */
export async function readVpcDns(ec2: EC2Client, vpcId: string): Promise<VpcDnsFacts> {
  const [support, hostnames] = await Promise.all([
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsSupport' })),
    ec2.send(new DescribeVpcAttributeCommand({ VpcId: vpcId, Attribute: 'enableDnsHostnames' })),
  ]);
  return {
    enableDnsSupport: support.EnableDnsSupport?.Value === true,
    enableDnsHostnames: hostnames.EnableDnsHostnames?.Value === true,
  };
}

export async function listSubnets(ec2: EC2Client, where: VpcFilter = {}): Promise<InVpc<LocatedSubnet>[]> {
  const filters = vpcIdFilters(where);
  const subnets: InVpc<LocatedSubnet>[] = [];
  for await (const page of paginate((NextToken) =>
    ec2.send(new DescribeSubnetsCommand({ ...(filters.length > 0 ? { Filters: filters } : {}), MaxResults: MAX_PAGE, NextToken })),
  )) {
    for (const s of page.Subnets ?? []) {
      // Filtered to one VPC, the answer's VPC is known even where a response leaves it out.
      const vpcId = s.VpcId ?? where.vpcId;
      if (s.SubnetId === undefined || s.AvailabilityZoneId === undefined || vpcId === undefined) continue;
      subnets.push({
        vpcId,
        item: {
          subnetId: s.SubnetId,
          availabilityZoneId: s.AvailabilityZoneId,
          azName: s.AvailabilityZone,
          mapPublicIpOnLaunch: s.MapPublicIpOnLaunch === true,
          tags: tagsToRecord(s.Tags),
        },
      });
    }
  }
  return subnets;
}

/**
 * The hub service as this account sees it; undefined when not visible. EC2 answers `InvalidServiceName` when the
 * service does not exist or the account is not (yet) an allowed principal: both mean "not visible". The answer
 * depends only on the account (its AZ mapping and whether it is an allowed principal), not on the VPC.
 */
export async function describeService(ec2: EC2Client, serviceName: string): Promise<ServiceDetails | undefined> {
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

/** Endpoints to the hub service that carry our managed tag, in any state. */
export async function listManagedEndpoints(ec2: EC2Client, serviceName: string, where: VpcFilter = {}): Promise<InVpc<EndpointFacts>[]> {
  const endpoints: InVpc<EndpointFacts>[] = [];
  for await (const page of paginate((NextToken) =>
    ec2.send(
      new DescribeVpcEndpointsCommand({
        Filters: [...vpcIdFilters(where), { Name: 'service-name', Values: [serviceName] }, managedTagFilter],
        MaxResults: MAX_PAGE,
        NextToken,
      }),
    ),
  )) {
    for (const e of page.VpcEndpoints ?? []) {
      const facts = endpointFacts(e);
      const vpcId = e.VpcId ?? where.vpcId;
      if (facts !== undefined && vpcId !== undefined) endpoints.push({ vpcId, item: facts });
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

/** Security groups that carry our managed tag, with the CIDRs they allow on the proxy port. */
export async function listManagedSecurityGroups(
  ec2: EC2Client,
  proxyPort: number,
  where: VpcFilter = {},
): Promise<InVpc<SecurityGroupFacts>[]> {
  const groups: InVpc<SecurityGroupFacts>[] = [];
  for await (const page of paginate((NextToken) =>
    ec2.send(new DescribeSecurityGroupsCommand({ Filters: [...vpcIdFilters(where), managedTagFilter], MaxResults: MAX_PAGE, NextToken })),
  )) {
    for (const g of page.SecurityGroups ?? []) {
      const vpcId = g.VpcId ?? where.vpcId;
      if (g.GroupId === undefined || vpcId === undefined) continue;
      const proxyRules = (g.IpPermissions ?? []).filter((p) => p.IpProtocol === 'tcp' && p.FromPort === proxyPort && p.ToPort === proxyPort);
      groups.push({
        vpcId,
        item: {
          groupId: g.GroupId,
          ingressCidrs: proxyRules.flatMap((p) => [
            ...(p.IpRanges ?? []).flatMap((r) => (r.CidrIp === undefined ? [] : [r.CidrIp])),
            ...(p.Ipv6Ranges ?? []).flatMap((r) => (r.CidrIpv6 === undefined ? [] : [r.CidrIpv6])),
          ]),
        },
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

/** Every VPC of the account in the client's region, with its tags and CIDR blocks, sorted by id. */
export async function listVpcs(ec2: EC2Client): Promise<AccountVpc[]> {
  const vpcs: AccountVpc[] = [];
  for await (const page of paginate((NextToken) => ec2.send(new DescribeVpcsCommand({ MaxResults: MAX_PAGE, NextToken })))) {
    for (const v of page.Vpcs ?? []) if (v.VpcId !== undefined) vpcs.push(accountVpc({ ...v, VpcId: v.VpcId }));
  }
  return vpcs.sort((a, b) => a.vpcId.localeCompare(b.vpcId));
}
