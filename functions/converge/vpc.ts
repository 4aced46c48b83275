import { decideAccountScope, type ScopeDecision } from '../core/scope';
import { hasTag } from '../core/managed-tags';
import { proxyUrl } from '../core/private-dns';
import { successorClientToken } from '../core/client-token';
import { withVpcDns } from '../core/account-snapshot';
import {
  isLiveEndpoint,
  needsVpcDns,
  planVpc,
  writeBackTags,
  type AbsentPlan,
  type EndpointFacts,
  type PresentPlan,
  type VpcPlan,
  type VpcSnapshot,
} from '../core/vpc-plan';
import type { EC2Client } from '@aws-sdk/client-ec2';
import type { PlannedAction } from '../core/plan-actions';
import type { EndpointCreatedDetail } from '../aws/hub-bus';
import { readAccount } from '../aws/organizations';
import { readVpcDns, readVpcSnapshot } from '../aws/spoke-vpc';
import {
  addEndpointSubnets,
  authorizeProxyIngress,
  createEndpoint,
  createSecurityGroup,
  deleteEndpoints,
  deleteSecurityGroup,
  revokeProxyIngress,
  tagVpc,
  untagVpc,
  waitForEndpointsDeleted,
} from '../aws/spoke-writer';
import { audit, type AuditScope } from '../shared/audit';
import { syncEndpointMapping } from './endpoint-mapping';
import { BlockedError } from '../shared/errors';
import type { Runtime } from '../shared/runtime';

export interface VpcRequest {
  readonly accountId: string;
  readonly region: string;
  readonly vpcId: string;
  readonly correlationId: string;
}

export interface VpcOutcome {
  readonly plan: VpcPlan | undefined;
  /** Changes to the endpoint-to-policy mapping (VPC onboarding syncs its VPC's entries after converging it). */
  readonly mappingActions?: readonly PlannedAction[];
  /** Set when the VPC has an endpoint awaiting acceptance: hand it to connection acceptance. */
  readonly awaitingAcceptance?: EndpointCreatedDetail;
}

/** What one read of Organizations says of an account: whether it belongs to the organization at all, and its scope. */
export interface AccountStanding {
  readonly member: boolean;
  readonly scope: ScopeDecision;
}

/** Reads each account's standing once per batch however many of its VPCs the batch names. */
export function accountStandingCache(runtime: Runtime): (accountId: string) => Promise<AccountStanding> {
  const cache = new Map<string, Promise<AccountStanding>>();
  return (accountId) => {
    let standing = cache.get(accountId);
    if (standing === undefined) {
      standing = readAccount(runtime.organizations, accountId).then((account) => ({
        member: account !== undefined,
        scope: decideAccountScope(accountId, account, runtime.config.scope),
      }));
      cache.set(accountId, standing);
    }
    return standing;
  };
}

/** Reads the account's scope once per batch however many of its VPCs the batch names. */
export function accountScopeCache(runtime: Runtime): (accountId: string) => Promise<ScopeDecision> {
  const standingOf = accountStandingCache(runtime);
  return async (accountId) => (await standingOf(accountId)).scope;
}

/**
 * Converges one VPC to its desired state (level-triggered: the event only named it). Throws when it cannot, so the
 * triggering record is retried and, failing that, dead-lettered; the audit trail says why. An account outside the
 * organization is not touched at all (see `outsideOrganization`).
 */
export async function convergeVpc(
  runtime: Runtime,
  request: VpcRequest,
  standingOf: (accountId: string) => Promise<AccountStanding>,
  options: {
    dryRun: boolean;
    ec2?: EC2Client;
    /** The reconciler's plan adds this account's principal before the VPC step (see `PlanAssumptions`). */
    principalPlanned?: boolean;
  },
): Promise<VpcOutcome> {
  return audited(request, options.dryRun, async (base) => {
    if (request.region !== runtime.region) {
      // Interface endpoints must live in the service's region; a VPC elsewhere is not ours to manage.
      audit({ ...base, action: 'vpc.converge', decision: 'noop', reason: `VPC is in ${request.region}; the service is in ${runtime.region}` });
      return { plan: undefined };
    }
    const { member, scope: accountScope } = await standingOf(request.accountId);
    if (!member) return outsideOrganization(runtime, request, accountScope, base);
    const ec2 = options.ec2 ?? (await runtime.spokes.ec2(request.accountId, request.region, request.correlationId));
    const snapshot = await readVpcSnapshot(ec2, { accountId: request.accountId, vpcId: request.vpcId }, {
      serviceName: runtime.config.hubServiceName,
      proxyPort: runtime.config.proxyPort,
    });
    const outcome = await planAndApply(runtime, ec2, request, snapshot, accountScope, options, base);
    // After the endpoint is where it should be: the mapping then names it (or no longer does).
    const mappingActions = await syncEndpointMapping(runtime, () => Promise.resolve(ec2), {
      accountId: request.accountId,
      scope: accountScope,
      correlationId: request.correlationId,
      dryRun: options.dryRun,
      vpcId: request.vpcId,
    });
    return { ...outcome, mappingActions };
  });
}

/**
 * An account that is not (or no longer) a member: the control plane has no business in it, so it does not assume the
 * spoke role there, even if the role still trusts it (an account that left keeps the StackSet's resources until
 * someone deletes them). The hub side is account onboarding's (the principal, the rejected connections); what is left
 * here is the account's shard of the endpoint mapping, removed without any spoke access.
 */
async function outsideOrganization(runtime: Runtime, request: VpcRequest, scope: ScopeDecision, base: AuditBase): Promise<VpcOutcome> {
  audit({ ...base, action: 'vpc.converge', decision: 'noop', reason: `${scope.reason}: the spoke role is not assumed and nothing in the account is changed` });
  const noSpokeAccess = () => Promise.reject(new Error(`no spoke access to ${request.accountId}: it is not a member of the organization`));
  const mappingActions = await syncEndpointMapping(runtime, noSpokeAccess, {
    accountId: request.accountId,
    scope,
    correlationId: request.correlationId,
    dryRun: base.dryRun,
    vpcId: request.vpcId,
  });
  return { plan: undefined, mappingActions };
}

/**
 * The reconciler's path: converges a VPC from its slice of an account snapshot (`vpcSnapshotOf`), already read, with
 * the same plan and the same writes as `convergeVpc`. The VPC must be in the hub region.
 */
export async function convergeVpcSnapshot(
  runtime: Runtime,
  ec2: EC2Client,
  request: VpcRequest,
  snapshot: VpcSnapshot,
  accountScope: ScopeDecision,
  options: { dryRun: boolean; principalPlanned?: boolean },
): Promise<VpcOutcome> {
  return audited(request, options.dryRun, (base) => planAndApply(runtime, ec2, request, snapshot, accountScope, options, base));
}

/** Audits any failure of the VPC step (a blocked plan audits its own reason) and rethrows it. */
async function audited(request: VpcRequest, dryRun: boolean, work: (base: AuditBase) => Promise<VpcOutcome>): Promise<VpcOutcome> {
  const base: AuditBase = { scope: { accountId: request.accountId, vpcId: request.vpcId }, dryRun, correlationId: request.correlationId };
  try {
    return await work(base);
  } catch (error) {
    if (!(error instanceof BlockedError)) {
      audit({ ...base, action: 'vpc.converge', decision: 'error', reason: error instanceof Error ? `${error.name}: ${error.message}` : String(error) });
    }
    throw error;
  }
}

async function planAndApply(
  runtime: Runtime,
  ec2: EC2Client,
  request: VpcRequest,
  read: VpcSnapshot,
  accountScope: ScopeDecision,
  options: { dryRun: boolean; principalPlanned?: boolean },
  base: AuditBase,
): Promise<VpcOutcome> {
  const settings = { serviceName: runtime.config.hubServiceName, proxyTag: runtime.config.proxyTag, proxyPort: runtime.config.proxyPort };
  // Two calls per VPC that only an endpoint about to be created with private DNS needs.
  const snapshot = needsVpcDns(read, accountScope, settings) ? withVpcDns(read, await readVpcDns(ec2, request.vpcId)) : read;
  const plan = planVpc(
    snapshot,
    accountScope,
    settings,
    // Only a dry run may assume: a real run has already applied the principal, so the snapshot sees the service
    // (and if it could not, the VPC is truly blocked).
    { principalPlanned: options.dryRun && options.principalPlanned === true },
  );
  switch (plan.kind) {
    case 'blocked':
      audit({ ...base, action: 'vpc.converge', decision: 'error', reason: plan.reason });
      throw new BlockedError(plan.reason);
    case 'absent':
      await applyAbsent(ec2, request, snapshot, plan, base);
      return { plan };
    case 'present':
      return { plan, ...(await applyPresent(runtime, ec2, request, snapshot, plan, base, accountScope)) };
  }
}

type AuditBase = { scope: AuditScope; dryRun: boolean; correlationId: string };

/** Replacements of dead endpoints asked for in one run before giving up (each one deleted by hand in turn). */
const MAX_DEAD_ANSWERS = 5;

/**
 * Same token, earlier request: EC2 answers with the endpoint that token created, which may be long dead (deleted by
 * hand, so the plan never saw it). Ask again under a token that supersedes the dead one.
 */
async function createLiveEndpoint(ec2: EC2Client, input: Parameters<typeof createEndpoint>[1]): Promise<EndpointFacts> {
  let clientToken = input.clientToken;
  for (let attempt = 0; attempt < MAX_DEAD_ANSWERS; attempt++) {
    const created = await createEndpoint(ec2, { ...input, clientToken });
    if (isLiveEndpoint(created)) return created;
    clientToken = successorClientToken(clientToken, created.endpointId);
  }
  throw new Error(`CreateVpcEndpoint in ${input.vpcId} kept returning dead endpoints (${MAX_DEAD_ANSWERS} tokens tried)`);
}

async function applyAbsent(ec2: EC2Client, request: VpcRequest, snapshot: VpcSnapshot, plan: AbsentPlan, base: AuditBase) {
  if (plan.deleteEndpointIds.length + plan.deleteSecurityGroupIds.length + plan.removeTagKeys.length === 0) {
    audit({ ...base, action: 'vpc.converge', decision: 'noop', reason: `${plan.reason}; nothing of ours to remove` });
    return;
  }
  for (const endpointId of plan.deleteEndpointIds) {
    audit({ ...base, scope: { ...base.scope, endpointId }, action: 'vpc.endpoint', decision: 'delete', reason: plan.reason });
  }
  if (!base.dryRun) await deleteEndpoints(ec2, plan.deleteEndpointIds);
  if (!base.dryRun && plan.deleteSecurityGroupIds.length > 0) {
    // The group stays in use until its endpoints are fully gone, including any already `deleting` before this run.
    const holders = snapshot.managedEndpoints.filter((e) => e.state.toLowerCase() !== 'deleted').map((e) => e.endpointId);
    await waitForEndpointsDeleted(ec2, [...new Set([...plan.deleteEndpointIds, ...holders])]);
  }
  for (const groupId of plan.deleteSecurityGroupIds) {
    audit({ ...base, action: 'vpc.security-group', decision: 'delete', reason: plan.reason, before: { groupId } });
    if (!base.dryRun) await deleteSecurityGroup(ec2, groupId);
  }
  if (plan.removeTagKeys.length > 0) {
    const before = Object.fromEntries(plan.removeTagKeys.map((k) => [k, snapshot.vpc?.tags[k]]));
    audit({ ...base, action: 'vpc.write-back-tags', decision: 'delete', reason: plan.reason, before });
    if (!base.dryRun) await untagVpc(ec2, request.vpcId, plan.removeTagKeys);
  }
}

async function applyPresent(
  runtime: Runtime,
  ec2: EC2Client,
  request: VpcRequest,
  snapshot: VpcSnapshot,
  plan: PresentPlan,
  base: AuditBase,
  accountScope: ScopeDecision,
): Promise<Omit<VpcOutcome, 'plan'>> {
  const { dryRun } = base;
  const port = runtime.config.proxyPort;
  for (const warning of plan.warnings) audit({ ...base, action: 'vpc.converge', decision: 'warning', reason: warning });

  let groupId = plan.securityGroup.groupId;
  const { authorize, revoke } = plan.securityGroup;
  if (groupId === undefined || authorize.length + revoke.length > 0) {
    audit({
      ...base,
      action: 'vpc.security-group',
      decision: groupId === undefined ? 'create' : 'update',
      reason: `allow TCP ${port} from every CIDR block of the VPC`,
      before: { groupId, revoke },
      after: { authorize },
    });
  }
  if (!dryRun) {
    groupId ??= await createSecurityGroup(ec2, request.vpcId);
    await authorizeProxyIngress(ec2, groupId, port, authorize);
    await revokeProxyIngress(ec2, groupId, port, revoke);
  }

  for (const endpointId of plan.deleteEndpointIds) {
    audit({ ...base, scope: { ...base.scope, endpointId }, action: 'vpc.endpoint', decision: 'delete', reason: 'superseded managed endpoint (extra or dead)' });
  }
  if (!dryRun) await deleteEndpoints(ec2, plan.deleteEndpointIds);

  const endpointPlan = plan.endpoint;
  if (endpointPlan.action === 'create') {
    audit({ ...base, action: 'vpc.endpoint', decision: 'create', reason: plan.reason, after: endpointPlan });
    if (dryRun || groupId === undefined) return {};
    const created = await createLiveEndpoint(ec2, {
      vpcId: request.vpcId,
      serviceName: runtime.config.hubServiceName,
      subnetIds: endpointPlan.subnetIds,
      securityGroupId: groupId,
      privateDnsEnabled: endpointPlan.privateDnsEnabled,
      // The group is part of the request: once recreated (untag, then tag again) it has a new id, and the plan's
      // token alone would then be IdempotentParameterMismatch.
      clientToken: successorClientToken(endpointPlan.clientToken, groupId),
    });
    audit({ ...base, scope: { ...base.scope, endpointId: created.endpointId }, action: 'vpc.endpoint', decision: 'create', reason: 'endpoint created', after: created });
    await writeBack(runtime, ec2, request, snapshot, created, base);
    return { awaitingAcceptance: handOff(runtime, request, created.endpointId, accountScope, snapshot) };
  }

  const current = endpointPlan.current;
  const endpointScope = { ...base.scope, endpointId: current.endpointId };
  if (endpointPlan.addSubnetIds.length > 0) {
    audit({ ...base, scope: endpointScope, action: 'vpc.endpoint', decision: 'update', reason: 'cover newly supported AZs', before: current.subnetIds, after: { add: endpointPlan.addSubnetIds } });
    if (!dryRun) await addEndpointSubnets(ec2, current.endpointId, endpointPlan.addSubnetIds);
  } else {
    audit({ ...base, scope: endpointScope, action: 'vpc.endpoint', decision: 'noop', reason: `endpoint exists (${current.state})` });
  }
  await writeBack(runtime, ec2, request, snapshot, current, base);
  return current.state.toLowerCase() === 'pendingacceptance'
    ? { awaitingAcceptance: handOff(runtime, request, current.endpointId, accountScope, snapshot) }
    : {};
}

async function writeBack(
  runtime: Runtime,
  ec2: EC2Client,
  request: VpcRequest,
  snapshot: VpcSnapshot,
  endpoint: { endpointId: string; dnsName: string | undefined; privateDnsEnabled: boolean },
  base: AuditBase,
) {
  // With private DNS every spoke uses the service's one name; otherwise the endpoint's own regional name.
  const privateName = endpoint.privateDnsEnabled ? snapshot.service?.privateDnsName : undefined;
  const dnsName = privateName ?? endpoint.dnsName;
  const url = dnsName === undefined ? undefined : proxyUrl(dnsName, runtime.config.proxyPort);
  const tags = writeBackTags(snapshot.vpc?.tags ?? {}, endpoint.endpointId, url);
  if (Object.keys(tags).length === 0) return;
  audit({ ...base, scope: { ...base.scope, endpointId: endpoint.endpointId }, action: 'vpc.write-back-tags', decision: 'update', reason: 'publish the endpoint and proxy URL on the VPC', after: tags });
  if (!base.dryRun) await tagVpc(ec2, request.vpcId, tags);
}

/**
 * The hand-off to acceptance, with what this step read moments ago (the owner in scope, the VPC tagged): acceptance
 * takes it on trust from the control plane's own account instead of re-reading membership (>= 2 Organizations calls
 * per owner, against one organization-wide rate) and the VPC's tags (an AssumeRole and two describes). A VPC
 * untagged in between loses its endpoint to the tag event's onboarding; an owner that left, to the next sweep.
 */
function handOff(runtime: Runtime, request: VpcRequest, vpcEndpointId: string, accountScope: ScopeDecision, snapshot: VpcSnapshot): EndpointCreatedDetail {
  const detail = { accountId: request.accountId, region: request.region, vpcId: request.vpcId, vpcEndpointId, serviceId: runtime.config.hubServiceId };
  const { key, value } = runtime.config.proxyTag;
  if (!accountScope.inScope || !hasTag(snapshot.vpc?.tags ?? {}, key, value)) return detail;
  const ancestors = accountScope.ancestorIds === undefined ? {} : { ownerAncestorIds: [...accountScope.ancestorIds] };
  return { ...detail, decided: { ownerInScope: true, vpcTagged: true, ...ancestors } };
}
