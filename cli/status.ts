import { DescribeVpcEndpointsCommand, DescribeVpcsCommand, type EC2Client } from '@aws-sdk/client-ec2';
import { listAllowedPrincipals, listConnections } from '../functions/aws/endpoint-service';
import { listAllAccounts } from '../functions/aws/organizations';
import { tagsToRecord } from '../functions/aws/spoke-vpc';
import { hasTag } from '../functions/core/managed-tags';
import { decideAccountScope, rootPrincipalArn } from '../functions/core/scope';
import { mapSettled } from '../functions/converge/bounded';
import { shareReachProblem } from '../functions/converge/share-reach';
import type { Runtime } from '../functions/shared/runtime';
import type { PolicyBundle } from '../squid-config/policy/documents';
import { describeSource, resolvePolicies } from '../squid-config/policy/resolve';
import { scopeKey, type LastDecisions } from './audit-log';
import { missingEndpointReasons, type MissingEndpoint } from './endpoint-problems';

/** One line of `egress status`: a VPC of an account, or the account alone when it has none (or is out of scope). */
export interface StatusRow {
  readonly accountId: string;
  readonly inScope: boolean;
  readonly scopeReason: string;
  readonly allowedPrincipal: boolean;
  readonly vpcId?: string;
  readonly tagged?: boolean;
  readonly endpointId?: string;
  /** The hub's view (DescribeVpcEndpointConnections), else the spoke's endpoint state. */
  readonly connectionState?: string;
  readonly lastDecision: string;
  /** The named egress policies the fleet applies to this VPC's endpoint, resolved as the fleet resolves them. */
  readonly policies?: VpcPolicies;
  /** Why this account could not be read (typically the spoke role is missing). */
  readonly error?: string;
  /** A tagged VPC without an endpoint: why, and whether a reconcile could fix it (`blocked` when not). */
  readonly missingEndpoint?: MissingEndpoint;
}

export interface VpcPolicies {
  /** Besides the baseline; empty means the baseline only. */
  readonly names: readonly string[];
  /** Where the choice came from: the VPC tag, an account or OU default, or nothing. */
  readonly source: string;
  /** Why the fleet applies the baseline only despite the choice (an unknown policy, a malformed tag). */
  readonly problems: readonly string[];
}

export interface StatusReport {
  readonly rows: StatusRow[];
  readonly notes: string[];
}

/** Every state a connection to the service can be listed in: status shows rejected and failed ones too. */
const ALL_CONNECTION_STATES = ['pendingAcceptance', 'pending', 'available', 'deleting', 'deleted', 'rejected', 'failed', 'expired'];

/** Reads the organization, the hub and every in-scope account's VPCs; changes nothing. */
export async function collectStatus(
  runtime: Runtime,
  options: { accountIds?: readonly string[]; lastDecisions: LastDecisions; correlationId: string },
): Promise<StatusReport> {
  const { config } = runtime;
  const [members, principals, connections, bundle, shareProblem] = await Promise.all([
    listAllAccounts(runtime.organizations),
    listAllowedPrincipals(runtime.hubEc2, config.hubServiceId),
    listConnections(runtime.hubEc2, config.hubServiceId, { states: ALL_CONNECTION_STATES }),
    runtime.policyStore?.readBundle(),
    shareReachProblem(runtime),
  ]);
  const byId = new Map(members.map((a) => [a.accountId, a]));
  // Owners of connections who are not members still appear: they are exactly what an operator must look at.
  const accountIds = options.accountIds ?? [...new Set([...members.map((a) => a.accountId), ...connections.map((c) => c.ownerAccountId)])].sort();
  const connectionByEndpoint = new Map(connections.map((c) => [c.endpointId, c]));
  const lastDecision = (accountId: string, vpcId?: string) =>
    options.lastDecisions.available ? (options.lastDecisions.byScope.get(scopeKey(accountId, vpcId))?.decision ?? '-') : 'n/a';

  const perAccount = await mapSettled(accountIds, config.reconcileConcurrency, async (accountId): Promise<StatusRow[]> => {
    const scope = decideAccountScope(accountId, byId.get(accountId), config.scope);
    const base = {
      accountId,
      inScope: scope.inScope,
      scopeReason: scope.reason,
      allowedPrincipal: principals.has(rootPrincipalArn(accountId, config.partition)),
    };
    const accountRow = (error?: string): StatusRow => ({ ...base, lastDecision: lastDecision(accountId), ...(error === undefined ? {} : { error }) });
    if (!scope.inScope) {
      // The spoke role is not ours to assume outside the scope; the hub's view of its connections is enough.
      const theirs = connections.filter((c) => c.ownerAccountId === accountId);
      if (theirs.length === 0) return [accountRow()];
      return theirs.map((c) => ({ ...accountRow(), endpointId: c.endpointId, connectionState: c.state }));
    }
    const ec2 = await runtime.spokes.ec2(accountId, runtime.region, options.correlationId);
    const vpcs = await readVpcs(ec2, config.hubServiceName);
    if (vpcs.length === 0) return [accountRow()];
    const withoutEndpoint = vpcs.filter((vpc) => vpc.endpoints.length === 0 && hasTag(vpc.tags, config.proxyTag.key, config.proxyTag.value));
    const missing = withoutEndpoint.length === 0 ? new Map<string, MissingEndpoint>() : await missingEndpointReasons(ec2, accountId, scope, config, withoutEndpoint.map((v) => v.vpcId));
    return vpcs.map((vpc) => {
      const endpoint = vpc.endpoints.find((e) => connectionByEndpoint.has(e.endpointId)) ?? vpc.endpoints[0];
      const connection = endpoint === undefined ? undefined : connectionByEndpoint.get(endpoint.endpointId);
      const tagged = hasTag(vpc.tags, config.proxyTag.key, config.proxyTag.value);
      const policies = tagged && runtime.policyStore !== undefined
        ? policiesOf(bundle, { accountId, policyTag: vpc.tags[config.policyTagKey] ?? null, ancestorIds: [...(byId.get(accountId)?.ancestorIds ?? [])] })
        : undefined;
      return {
        ...base,
        vpcId: vpc.vpcId,
        tagged,
        ...(endpoint === undefined ? {} : { endpointId: endpoint.endpointId, connectionState: connection?.state ?? endpoint.state }),
        lastDecision: lastDecision(accountId, vpc.vpcId),
        ...(policies === undefined ? {} : { policies }),
        ...(missing.has(vpc.vpcId) ? { missingEndpoint: missing.get(vpc.vpcId) } : {}),
      };
    });
  });
  const rows = perAccount.flatMap((result, index) => {
    if (result.status === 'fulfilled') return result.value;
    const accountId = accountIds[index] ?? 'unknown';
    const scope = decideAccountScope(accountId, byId.get(accountId), config.scope);
    const error = result.reason instanceof Error ? `${result.reason.name}: ${result.reason.message}` : String(result.reason);
    return [{ accountId, inScope: scope.inScope, scopeReason: scope.reason, allowedPrincipal: principals.has(rootPrincipalArn(accountId, config.partition)), lastDecision: lastDecision(accountId), error }];
  });
  const notes = options.lastDecisions.available ? [] : [`last audit decision: n/a (${options.lastDecisions.reason})`];
  if (shareProblem !== undefined) notes.push(`discovery share: ${shareProblem}`);
  if (runtime.policyStore === undefined) notes.push('policies: n/a (set --policy-bucket or POLICY_BUCKET to the policy store)');
  else if (bundle === undefined) notes.push('policies: no policy bundle is published yet (npm run policy:publish): the fleet applies its shipped baseline only');
  return { rows, notes };
}

/** The fleet's own resolution (squid-config/policy/resolve.ts) of what the VPC's tag and the defaults choose. */
function policiesOf(bundle: PolicyBundle | undefined, endpoint: Parameters<typeof resolvePolicies>[1]): VpcPolicies {
  if (bundle === undefined) return { names: [], source: 'no bundle published', problems: ['no policy bundle is published: the baseline only'] };
  const resolution = resolvePolicies(bundle, endpoint);
  return { names: resolution.names, source: describeSource(resolution.source), problems: resolution.problems };
}

interface VpcView {
  readonly vpcId: string;
  readonly tags: Record<string, string>;
  readonly endpoints: { endpointId: string; state: string }[];
}

/** Every VPC of the account with its tags, and the endpoints to the hub service in each (managed or not). */
async function readVpcs(ec2: EC2Client, serviceName: string): Promise<VpcView[]> {
  const vpcs = new Map<string, VpcView>();
  let vpcToken: string | undefined;
  do {
    const page = await ec2.send(new DescribeVpcsCommand({ MaxResults: 1000, NextToken: vpcToken }));
    for (const v of page.Vpcs ?? []) if (v.VpcId !== undefined) vpcs.set(v.VpcId, { vpcId: v.VpcId, tags: tagsToRecord(v.Tags), endpoints: [] });
    vpcToken = page.NextToken;
  } while (vpcToken !== undefined);
  let endpointToken: string | undefined;
  do {
    const page = await ec2.send(
      new DescribeVpcEndpointsCommand({ Filters: [{ Name: 'service-name', Values: [serviceName] }], MaxResults: 1000, NextToken: endpointToken }),
    );
    for (const e of page.VpcEndpoints ?? []) {
      if (e.VpcId === undefined || e.VpcEndpointId === undefined) continue;
      const state = String(e.State ?? 'unknown');
      if (state.toLowerCase() === 'deleted') continue;
      vpcs.get(e.VpcId)?.endpoints.push({ endpointId: e.VpcEndpointId, state });
    }
    endpointToken = page.NextToken;
  } while (endpointToken !== undefined);
  return [...vpcs.values()].sort((a, b) => a.vpcId.localeCompare(b.vpcId));
}
