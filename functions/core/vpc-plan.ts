import { endpointClientToken } from './client-token';
import { ENDPOINT_ID_TAG_KEY, hasTag, PROXY_URL_TAG_KEY, WRITE_BACK_TAG_KEYS, type Tags } from './managed-tags';
import { decidePrivateDns, type PrivateDnsDecision, type ServiceDnsFacts, type VpcDnsFacts } from './private-dns';
import type { ScopeDecision } from './scope';
import { chooseSubnets, type SubnetFacts } from './subnets';

/** Everything VPC onboarding reads before deciding, as plain data. */
export interface VpcSnapshot {
  readonly accountId: string;
  readonly vpcId: string;
  /** Undefined when the VPC does not exist (deleted since the event). */
  readonly vpc:
    | {
        readonly tags: Tags;
        readonly cidrBlocks: readonly string[];
        /** Undefined until read: two calls per VPC, needed only where `needsVpcDns` says so. */
        readonly dns: VpcDnsFacts | undefined;
      }
    | undefined;
  readonly subnets: readonly SubnetFacts[];
  /** Endpoints to the hub service in this VPC that carry our managed tag, in any state. */
  readonly managedEndpoints: readonly EndpointFacts[];
  /** Security groups in this VPC that carry our managed tag. */
  readonly managedSecurityGroups: readonly SecurityGroupFacts[];
  /** The hub service as the spoke account sees it; undefined when it is not visible (not an allowed principal yet). */
  readonly service: (ServiceDnsFacts & { readonly availabilityZoneIds: ReadonlySet<string> }) | undefined;
}

export interface EndpointFacts {
  readonly endpointId: string;
  readonly state: string;
  readonly subnetIds: readonly string[];
  readonly dnsName: string | undefined;
  readonly privateDnsEnabled: boolean;
}

export interface SecurityGroupFacts {
  readonly groupId: string;
  /** CIDRs allowed on the proxy port today. */
  readonly ingressCidrs: readonly string[];
}

export interface VpcSettings {
  readonly serviceName: string;
  readonly proxyTag: { readonly key: string; readonly value: string };
  readonly proxyPort: number;
}

export type VpcPlan = PresentPlan | AbsentPlan | BlockedPlan;

export interface PresentPlan {
  readonly kind: 'present';
  readonly reason: string;
  readonly securityGroup: { readonly groupId: string | undefined; readonly authorize: string[]; readonly revoke: string[] };
  readonly endpoint:
    | { readonly action: 'keep'; readonly current: EndpointFacts; readonly addSubnetIds: string[] }
    | {
        readonly action: 'create';
        readonly subnetIds: string[];
        readonly privateDnsEnabled: boolean;
        readonly clientToken: string;
        /**
         * Dry run only: the account's principal is allowed earlier in the same plan, so the service is not visible
         * yet. The subnets (every AZ of the VPC) and private DNS (off) are provisional until it is.
         */
        readonly awaitsPrincipal?: true;
      };
  /** Managed endpoints to remove: extra live ones (there must be exactly one) and dead ones being replaced. */
  readonly deleteEndpointIds: string[];
  readonly warnings: string[];
}

export interface AbsentPlan {
  readonly kind: 'absent';
  readonly reason: string;
  readonly deleteEndpointIds: string[];
  readonly deleteSecurityGroupIds: string[];
  readonly removeTagKeys: string[];
}

export interface BlockedPlan {
  readonly kind: 'blocked';
  readonly reason: string;
}

/** States from which an endpoint never becomes usable again: replace it. */
const DEAD_STATES = new Set(['rejected', 'failed', 'expired', 'deleting', 'deleted']);

export function isLiveEndpoint(endpoint: Pick<EndpointFacts, 'state'>): boolean {
  return !DEAD_STATES.has(endpoint.state.toLowerCase());
}

/** What earlier steps of the same plan will have changed by the time this VPC's turn comes. */
export interface PlanAssumptions {
  /**
   * The account's principal is added to the endpoint service earlier in this plan. A dry run applies nothing, so the
   * service stays invisible to the account: plan as if it were visible rather than report the VPC as blocked.
   */
  readonly principalPlanned?: boolean;
}

/**
 * Whether `planVpc` will consult the VPC's DNS attributes: only to create an endpoint (the VPC is wanted and has no
 * live endpoint of ours) for a visible service whose verified private DNS name the attributes could then turn on.
 * Callers read the attributes only then; `planVpc` throws if it needs them and they were not read.
 */
export function needsVpcDns(snapshot: VpcSnapshot, scope: ScopeDecision, settings: VpcSettings): boolean {
  const service = snapshot.service;
  return (
    service !== undefined &&
    wantsEndpoint(snapshot, scope, settings).want &&
    !snapshot.managedEndpoints.some(isLiveEndpoint) &&
    decidePrivateDns(service, VPC_DNS_ON).enabled
  );
}

/** A VPC with both attributes on: where the service alone decides private DNS, the VPC's attributes cannot matter. */
const VPC_DNS_ON: VpcDnsFacts = { enableDnsSupport: true, enableDnsHostnames: true };

function privateDnsFor(service: ServiceDnsFacts, vpcDns: VpcDnsFacts | undefined, vpcId: string): PrivateDnsDecision {
  const serviceSide = decidePrivateDns(service, VPC_DNS_ON);
  if (!serviceSide.enabled) return serviceSide;
  if (vpcDns === undefined) throw new Error(`planning ${vpcId} needs its DNS attributes, which were not read (see needsVpcDns)`);
  return decidePrivateDns(service, vpcDns);
}

/** Decides what the VPC must look like and what to change to get there. */
export function planVpc(snapshot: VpcSnapshot, scope: ScopeDecision, settings: VpcSettings, assumptions: PlanAssumptions = {}): VpcPlan {
  const wanted = wantsEndpoint(snapshot, scope, settings);
  if (!wanted.want) return planAbsent(snapshot, wanted.reason);
  return planPresent(snapshot, wanted.reason, settings, assumptions);
}

function wantsEndpoint(snapshot: VpcSnapshot, scope: ScopeDecision, settings: VpcSettings): { want: boolean; reason: string } {
  if (snapshot.vpc === undefined) return { want: false, reason: `VPC ${snapshot.vpcId} does not exist` };
  if (!scope.inScope) return { want: false, reason: scope.reason };
  const { key, value } = settings.proxyTag;
  if (!hasTag(snapshot.vpc.tags, key, value)) return { want: false, reason: `VPC is not tagged ${key}=${value}` };
  return { want: true, reason: `VPC is tagged ${key}=${value} and ${scope.reason}` };
}

function planAbsent(snapshot: VpcSnapshot, reason: string): AbsentPlan {
  const tags = snapshot.vpc?.tags ?? {};
  return {
    kind: 'absent',
    reason,
    deleteEndpointIds: snapshot.managedEndpoints
      .filter((e) => !['deleting', 'deleted'].includes(e.state.toLowerCase()))
      .map((e) => e.endpointId)
      .sort(),
    deleteSecurityGroupIds: snapshot.managedSecurityGroups.map((g) => g.groupId).sort(),
    removeTagKeys: WRITE_BACK_TAG_KEYS.filter((key) => key in tags),
  };
}

function planPresent(snapshot: VpcSnapshot, reason: string, settings: VpcSettings, assumptions: PlanAssumptions): VpcPlan {
  const vpc = snapshot.vpc;
  const service = snapshot.service;
  // Stryker disable next-line all: unreachable, wantsEndpoint answers "does not exist" for a missing VPC; this narrows the type
  if (vpc === undefined) return { kind: 'blocked', reason: 'VPC vanished' };
  if (service === undefined && assumptions.principalPlanned !== true) {
    return { kind: 'blocked', reason: `service ${settings.serviceName} is not visible to account ${snapshot.accountId}` };
  }
  const warnings: string[] = [];
  if (service === undefined) {
    warnings.push(`service ${settings.serviceName} is not visible until the account's principal is allowed: subnets and private DNS are provisional`);
  }
  // Unknown until the service is visible: then every AZ of the VPC stands in for the service's AZs.
  const supportedAzIds = service?.availabilityZoneIds ?? new Set(snapshot.subnets.map((s) => s.availabilityZoneId));
  const securityGroup = planSecurityGroup(snapshot.managedSecurityGroups, vpc.cidrBlocks);
  if (snapshot.managedSecurityGroups.length > 1) {
    const using =
      // Stryker disable next-line StringLiteral: never shown, with several groups planSecurityGroup always picks one
      securityGroup.groupId ?? 'none';
    warnings.push(`several managed security groups; using ${using}`);
  }

  const live = snapshot.managedEndpoints.filter(isLiveEndpoint).sort(byPreference);
  const dead = snapshot.managedEndpoints.filter((e) => !isLiveEndpoint(e));
  const deadToDelete = dead.filter((e) => !['deleting', 'deleted'].includes(e.state.toLowerCase())).map((e) => e.endpointId);
  const choice = chooseSubnets(snapshot.subnets, supportedAzIds);

  const [keep, ...extras] = live;
  if (keep !== undefined) {
    const azOf = new Map(snapshot.subnets.map((s) => [s.subnetId, s.availabilityZoneId]));
    // A subnet the VPC no longer lists covers no AZ (undefined, which no chosen subnet's AZ equals).
    const coveredAzs = new Set(keep.subnetIds.map((id) => azOf.get(id)));
    // Without the service's AZs there is no knowing which new ones it supports: add nothing yet.
    const addSubnetIds = service === undefined ? [] : choice.subnetIds.filter((id) => !coveredAzs.has(azOf.get(id)));
    if (extras.length > 0) warnings.push(`found ${live.length} live managed endpoints; keeping ${keep.endpointId}`);
    return {
      kind: 'present',
      reason,
      securityGroup,
      endpoint: { action: 'keep', current: keep, addSubnetIds },
      deleteEndpointIds: [...extras.map((e) => e.endpointId), ...deadToDelete].sort(),
      warnings,
    };
  }

  if (choice.subnetIds.length === 0) {
    const detail = choice.skipped.map((s) => `${s.subnetId}: ${s.reason}`).join('; ');
    return {
      kind: 'blocked',
      reason: `no subnet of ${snapshot.vpcId} is in an AZ the service supports (${[...supportedAzIds].sort().join(', ')})${detail ? `: ${detail}` : ''}`,
    };
  }
  const dns = service === undefined ? undefined : privateDnsFor(service, vpc.dns, snapshot.vpcId);
  if (dns?.enabled === false) warnings.push(`private DNS off: ${dns.warning}`);
  const supersedes = dead.map((e) => e.endpointId).sort()[0];
  return {
    kind: 'present',
    reason: service === undefined ? `${reason}; the endpoint is created once the account's principal is allowed` : reason,
    securityGroup,
    endpoint: {
      action: 'create',
      subnetIds: choice.subnetIds,
      privateDnsEnabled: dns?.enabled ?? false,
      clientToken: endpointClientToken({
        vpcId: snapshot.vpcId,
        serviceName: settings.serviceName,
        subnetIds: choice.subnetIds,
        supersedesEndpointId: supersedes,
      }),
      ...(service === undefined ? { awaitsPrincipal: true as const } : {}),
    },
    deleteEndpointIds: deadToDelete.sort(),
    warnings,
  };
}

/** Available first (it is serving traffic), then the lowest id: every run keeps the same one. */
function byPreference(a: EndpointFacts, b: EndpointFacts): number {
  const rank = (e: EndpointFacts) => (e.state.toLowerCase() === 'available' ? 0 : 1);
  return rank(a) - rank(b) || a.endpointId.localeCompare(b.endpointId);
}

function planSecurityGroup(groups: readonly SecurityGroupFacts[], cidrBlocks: readonly string[]): PresentPlan['securityGroup'] {
  const group = [...groups].sort((a, b) => a.groupId.localeCompare(b.groupId))[0];
  const current = new Set(group?.ingressCidrs ?? []);
  const desired = new Set(cidrBlocks);
  return {
    groupId: group?.groupId,
    authorize: [...desired].filter((c) => !current.has(c)).sort(),
    revoke: [...current].filter((c) => !desired.has(c)).sort(),
  };
}

/** The tags the VPC should carry once the endpoint is known; only the differences need writing. */
export function writeBackTags(current: Tags, endpointId: string, url: string | undefined): Record<string, string> {
  const desired: Record<string, string> = { [ENDPOINT_ID_TAG_KEY]: endpointId };
  if (url !== undefined) desired[PROXY_URL_TAG_KEY] = url;
  return Object.fromEntries(Object.entries(desired).filter(([key, value]) => current[key] !== value));
}

/** True when applying the plan would change nothing. */
export function isNoop(plan: VpcPlan): boolean {
  switch (plan.kind) {
    case 'blocked':
      return true;
    case 'absent':
      return plan.deleteEndpointIds.length + plan.deleteSecurityGroupIds.length + plan.removeTagKeys.length === 0;
    case 'present':
      return (
        plan.endpoint.action === 'keep' &&
        plan.endpoint.addSubnetIds.length === 0 &&
        plan.securityGroup.groupId !== undefined &&
        plan.securityGroup.authorize.length + plan.securityGroup.revoke.length === 0 &&
        plan.deleteEndpointIds.length === 0
      );
  }
}
