/**
 * The EC2 emulator's state. Resources live per account AND region (another account's VPC simply is
 * not there, so lookups give AWS's NotFound errors). Endpoint services are also reachable by name
 * from every account of their region, and each service indexes the endpoints connected to it.
 */
import type { Zone } from './zones';

export type TaggableType = 'vpc' | 'subnet' | 'security-group' | 'vpc-endpoint' | 'vpc-endpoint-service';

export interface Taggable {
  id: string;
  type: TaggableType;
  ownerId: string;
  region: string;
  tags: Map<string, string>;
  /** Incremented on every tag change; carried by "Tag Change on Resource" events. */
  tagVersion: number;
}

export interface CidrAssociation {
  associationId: string;
  cidr: string;
}

export interface Vpc extends Taggable {
  type: 'vpc';
  cidrs: CidrAssociation[];
  dhcpOptionsId: string;
  enableDnsSupport: boolean;
  enableDnsHostnames: boolean;
  defaultSecurityGroupId: string;
}

export interface Subnet extends Taggable {
  type: 'subnet';
  vpcId: string;
  cidr: string;
  zone: Zone;
}

export interface SecurityGroupRule {
  id: string;
  protocol: string;
  fromPort: number | undefined;
  toPort: number | undefined;
  cidrIpv4?: string;
  cidrIpv6?: string;
  groupId?: string;
  prefixListId?: string;
  description?: string;
}

export interface SecurityGroup extends Taggable {
  type: 'security-group';
  vpcId: string;
  name: string;
  description: string;
  ingress: SecurityGroupRule[];
  egress: SecurityGroupRule[];
  /**
   * Endpoints using the group: it cannot be deleted while any of them is short of `deleted` (a `deleting`
   * endpoint's network interfaces still hold it).
   */
  usedBy: Set<string>;
}

/**
 * Stored endpoint states. Two resolve lazily from the emulated clock: `pending` turns into `available` once
 * `availableAt` has passed, and `deleting` into `deleted` once `deletedAt` has.
 */
export type EndpointState = 'pendingAcceptance' | 'pending' | 'available' | 'rejected' | 'deleting' | 'deleted';

export interface VpcEndpoint extends Taggable {
  type: 'vpc-endpoint';
  vpcId: string;
  service: EndpointService;
  subnets: Subnet[];
  groups: SecurityGroup[];
  privateDnsEnabled: boolean;
  state: EndpointState;
  availableAt: number;
  /** When a `deleting` endpoint becomes `deleted` (its network interfaces gone, its security groups free). */
  deletedAt: number;
  createdAt: Date;
  connectionId: string;
  networkInterfaceIds: string[];
  dnsRecordIpType: string;
}

export interface ServicePermission {
  id: string;
  principal: string;
  principalType: 'All' | 'Account' | 'User' | 'Role';
}

export interface EndpointService extends Taggable {
  type: 'vpc-endpoint-service';
  name: string;
  networkLoadBalancerArns: string[];
  acceptanceRequired: boolean;
  privateDnsName: string | undefined;
  privateDnsState: 'pendingVerification' | 'verified' | 'failed';
  privateDnsTxt: { name: string; value: string };
  /** Physical zone ids the (not emulated) load balancer is in. */
  zoneIds: string[];
  permissions: Map<string, ServicePermission>;
  endpoints: Map<string, VpcEndpoint>;
}

export type ConnectionEvent = 'Connect' | 'Accept' | 'Reject' | 'Delete';

export interface ConnectionNotification {
  id: string;
  ownerId: string;
  region: string;
  serviceId: string | undefined;
  endpointId: string | undefined;
  topicArn: string;
  events: ConnectionEvent[];
}

interface TokenRecord {
  fingerprint: string;
  resourceId: string;
}

/** Everything one account owns in one region. */
export class RegionState {
  readonly taggables = new Map<string, Taggable>();
  readonly vpcs = new Map<string, Vpc>();
  readonly subnets = new Map<string, Subnet>();
  readonly securityGroups = new Map<string, SecurityGroup>();
  readonly endpoints = new Map<string, VpcEndpoint>();
  readonly endpointsByVpc = new Map<string, Set<VpcEndpoint>>();
  readonly services = new Map<string, EndpointService>();
  readonly notifications = new Map<string, ConnectionNotification>();
  /** ClientToken -> what the token created, per API (tokens are scoped to account, region and action). */
  readonly clientTokens = new Map<string, TokenRecord>();

  constructor(
    readonly accountId: string,
    readonly region: string,
  ) {}

  register<T extends Taggable>(map: Map<string, T>, resource: T): T {
    map.set(resource.id, resource);
    this.taggables.set(resource.id, resource);
    return resource;
  }

  unregister<T extends Taggable>(map: Map<string, T>, resource: T): void {
    map.delete(resource.id);
    this.taggables.delete(resource.id);
  }
}

export class Ec2State {
  private readonly regions = new Map<string, RegionState>();
  /** Endpoint services by name and by id, per region name inside the key (names embed the region). */
  readonly servicesByName = new Map<string, EndpointService>();
  readonly servicesById = new Map<string, EndpointService>();

  region(accountId: string, region: string): RegionState {
    const key = `${accountId}/${region}`;
    let state = this.regions.get(key);
    if (!state) {
      state = new RegionState(accountId, region);
      this.regions.set(key, state);
    }
    return state;
  }

  allRegions(): Iterable<RegionState> {
    return this.regions.values();
  }
}
