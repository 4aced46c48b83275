import type { Tags } from './managed-tags';
import type { VpcDnsFacts } from './private-dns';
import type { SubnetFacts } from './subnets';
import type { EndpointFacts, SecurityGroupFacts, VpcSnapshot } from './vpc-plan';

/**
 * Everything the reconciler reads in one spoke account before planning its VPCs, as plain data: a handful of
 * account-wide describes instead of a set per VPC. Each VPC is then planned from its slice (`vpcSnapshotOf`).
 */
export interface AccountSnapshot {
  readonly accountId: string;
  /** Every VPC of the account in the hub region, sorted by id. */
  readonly vpcs: readonly AccountVpc[];
  /** By VPC id. Empty when no VPC carries the proxy tag: only a wanted endpoint needs subnets. */
  readonly subnetsByVpc: ReadonlyMap<string, readonly LocatedSubnet[]>;
  /** By VPC id: endpoints to the hub service that carry our managed tag, in any state. */
  readonly endpointsByVpc: ReadonlyMap<string, readonly EndpointFacts[]>;
  /** By VPC id: security groups that carry our managed tag. */
  readonly securityGroupsByVpc: ReadonlyMap<string, readonly SecurityGroupFacts[]>;
  /** Undefined when not visible to the account (not an allowed principal yet), or not read (no VPC is tagged). */
  readonly service: ServiceFacts | undefined;
}

export interface AccountVpc {
  readonly vpcId: string;
  readonly tags: Tags;
  readonly cidrBlocks: readonly string[];
}

export interface LocatedSubnet extends SubnetFacts {
  /** The account's own name for the subnet's AZ (names map to different AZ ids in every account). */
  readonly azName: string | undefined;
}

export type ServiceFacts = NonNullable<VpcSnapshot['service']>;

/** The hub service as DescribeVpcEndpointServices shows it to one account. */
export interface ServiceDetails {
  readonly availabilityZoneIds: readonly string[];
  readonly availabilityZoneNames: readonly string[];
  readonly privateDnsName: string | undefined;
  readonly privateDnsVerificationState: string | undefined;
}

/** Groups items by the VPC they live in. */
export function byVpc<T>(items: readonly { readonly vpcId: string; readonly item: T }[]): Map<string, T[]> {
  const grouped = new Map<string, T[]>();
  for (const { vpcId, item } of items) {
    const list = grouped.get(vpcId);
    if (list === undefined) grouped.set(vpcId, [item]);
    else list.push(item);
  }
  return grouped;
}

/** One VPC's share of the account snapshot, without its DNS attributes (read only when `needsVpcDns` says so). */
export function vpcSnapshotOf(account: AccountSnapshot, vpcId: string): VpcSnapshot {
  const vpc = account.vpcs.find((v) => v.vpcId === vpcId);
  const ids = { accountId: account.accountId, vpcId };
  if (vpc === undefined) {
    return { ...ids, vpc: undefined, subnets: [], managedEndpoints: [], managedSecurityGroups: [], service: undefined };
  }
  return {
    ...ids,
    vpc: { tags: vpc.tags, cidrBlocks: vpc.cidrBlocks, dns: undefined },
    subnets: account.subnetsByVpc.get(vpcId) ?? [],
    managedEndpoints: account.endpointsByVpc.get(vpcId) ?? [],
    managedSecurityGroups: account.securityGroupsByVpc.get(vpcId) ?? [],
    service: account.service,
  };
}

export function withVpcDns(snapshot: VpcSnapshot, dns: VpcDnsFacts): VpcSnapshot {
  return snapshot.vpc === undefined ? snapshot : { ...snapshot, vpc: { ...snapshot.vpc, dns } };
}

/**
 * AvailabilityZoneIds is newer than AvailabilityZones; when only names come back, map them to ids with the account's
 * subnets, which carry both.
 */
export function serviceFacts(service: ServiceDetails | undefined, subnets: readonly LocatedSubnet[]): ServiceFacts | undefined {
  if (service === undefined) return undefined;
  const azIds =
    service.availabilityZoneIds.length > 0
      ? service.availabilityZoneIds
      : service.availabilityZoneNames.flatMap((name) => subnets.filter((s) => s.azName === name).map((s) => s.availabilityZoneId));
  return {
    availabilityZoneIds: new Set(azIds),
    privateDnsName: service.privateDnsName,
    privateDnsVerificationState: service.privateDnsVerificationState,
  };
}
