/**
 * The hub-side steps of an organization reconcile, shared by the inline run (organization.ts) and the fan-out
 * (fan-out.ts): one batched principals change, one share change, and the sweep of the service's connections.
 * Each records its actions in the plan and audits every decision.
 */
import { REJECTABLE_STATES, type ConnectionFacts } from '../core/connections';
import { planAllPrincipals, planPrincipalChanges, planShareChanges, type PrincipalChanges } from '../core/principals';
import { accountIdOfRootPrincipal, type ScopeDecision } from '../core/scope';
import {
  acceptConnections,
  listAllowedPrincipals,
  listConnections,
  modifyAllowedPrincipals,
  rejectConnections,
} from '../aws/endpoint-service';
import { listSharedAccountIds, modifySharePrincipals } from '../aws/resource-share';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import type { ReconcileOptions, ReconcilePlan } from './reconcile-plan';
import { syncEndpointMapping } from './endpoint-mapping';
import { decideConnections } from './connections';

/**
 * Allows every in-scope account and removes the rest in one ModifyVpcEndpointServicePermissions call. `added`
 * receives the accounts whose principal this plan adds: a dry run's VPC steps plan as if it were already allowed.
 */
export async function reconcilePrincipals(
  runtime: Runtime,
  plan: ReconcilePlan,
  decisions: ReadonlyMap<string, ScopeDecision>,
  options: ReconcileOptions,
  added: Set<string>,
): Promise<void> {
  const current = await listAllowedPrincipals(runtime.hubEc2, runtime.config.hubServiceId);
  const change: PrincipalChanges =
    options.accountIds === undefined
      ? planAllPrincipals(current, [...decisions].filter(([, d]) => d.inScope).map(([id]) => id), runtime.config.partition)
      : planPrincipalChanges(current, new Map([...decisions].map(([id, d]) => [id, d.inScope])), runtime.config.partition);
  await applyPrincipalChange(runtime, plan, change, decisions, options);
  // Recorded only once applied (or, in a dry run, planned): a failed modify leaves the VPC steps blocked, truthfully.
  for (const principal of change.add) added.add(accountIdOfRootPrincipal(principal) ?? principal);
}

/**
 * Makes one principals change and records it: plan lines and an audit record per principal. The call first: a change
 * is recorded only once it is made (or planned in a dry run); a failed call throws to the caller's step, which
 * records the error instead of changes that did not happen.
 */
export async function applyPrincipalChange(
  runtime: Runtime,
  plan: ReconcilePlan,
  change: PrincipalChanges,
  decisions: ReadonlyMap<string, ScopeDecision>,
  options: ReconcileOptions,
): Promise<void> {
  if (!options.dryRun) await modifyAllowedPrincipals(runtime.hubEc2, runtime.config.hubServiceId, change);
  for (const [principals, decision] of [[change.add, 'allow'], [change.remove, 'remove']] as const) {
    for (const principal of principals) {
      const accountId = accountIdOfRootPrincipal(principal) ?? principal;
      const reason = decisions.get(accountId)?.reason ?? 'not an in-scope account of the organization';
      const scope = { accountId };
      plan.actions.push({ action: `endpoint-service.${decision}-principal`, scope, reason, details: { principal } });
      audit({ action: 'endpoint-service.allowed-principal', scope, decision, reason, ...auditRun(options) });
    }
  }
}

export async function reconcileShare(
  runtime: Runtime,
  plan: ReconcilePlan,
  shareArn: string,
  decisions: ReadonlyMap<string, ScopeDecision>,
  options: ReconcileOptions,
): Promise<void> {
  const current = await listSharedAccountIds(runtime.ram, shareArn);
  const wanted = new Map([...decisions].map(([id, d]) => [id, d.inScope]));
  // A whole-organization run also drops shared accounts that are no longer members at all.
  if (options.accountIds === undefined) for (const id of current) if (!wanted.has(id)) wanted.set(id, false);
  const change = planShareChanges(current, wanted);
  // As for principals: recorded once made (or planned), never before a call that may fail.
  if (!options.dryRun) await modifySharePrincipals(runtime.ram, shareArn, change);
  for (const [ids, decision] of [[change.associate, 'allow'], [change.disassociate, 'remove']] as const) {
    for (const accountId of ids) {
      const reason = decisions.get(accountId)?.reason ?? 'not a member of the organization';
      const action = `resource-share.${decision === 'allow' ? 'associate' : 'disassociate'}`;
      plan.actions.push({ action, scope: { accountId }, reason });
      audit({ action: 'resource-share.principal', scope: { accountId }, decision, reason, ...auditRun(options) });
    }
  }
}

/**
 * Pending connections are decided like acceptance does; live connections of out-of-scope owners are rejected.
 * `pendingBefore` (epoch ms): a pending connection asked for at or after it is left alone, because the run that
 * created it hands it to acceptance itself (a fan-out's consumers create endpoints while this sweep runs; deciding
 * them here too spent the hub's Accept bucket twice, against acceptance's own calls).
 */
export async function reconcileConnections(
  runtime: Runtime,
  plan: ReconcilePlan,
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  decisions: ReadonlyMap<string, ScopeDecision>,
  options: ReconcileOptions,
  pendingBefore?: number,
): Promise<void> {
  const { hubServiceId } = runtime.config;
  const all = await listConnections(runtime.hubEc2, hubServiceId, { states: REJECTABLE_STATES });
  const restrict = options.accountIds === undefined ? undefined : new Set(options.accountIds);
  const relevant = all.filter((c) => restrict === undefined || restrict.has(c.ownerAccountId));
  const earlier = (c: (typeof relevant)[number]) => pendingBefore === undefined || c.createdAt === undefined || c.createdAt < pendingBefore;
  const pending = relevant.filter((c) => c.state === 'pendingAcceptance' && earlier(c));
  const decided = await decideConnections(runtime, pending, scopeOf, options.correlationId);
  for (const [endpointId, error] of decided.errors) {
    const accountId = pending.find((c) => c.endpointId === endpointId)?.ownerAccountId ?? 'unknown';
    plan.errors.push({ scope: { accountId, endpointId }, error: error.message });
  }
  const verdicts: { connection: ConnectionFacts; verdict: 'accept' | 'reject'; reason: string }[] = [
    ...decided.decisions.map((d) => ({ connection: d.connection, verdict: d.verdict.verdict, reason: d.verdict.reason })),
    ...relevant
      .filter((c) => c.state !== 'pendingAcceptance')
      .flatMap((c) => {
        const scope = decisions.get(c.ownerAccountId);
        if (scope?.inScope === true) return [];
        const reason = scope?.reason ?? `account ${c.ownerAccountId} is not a member of the organization`;
        return [{ connection: c, verdict: 'reject' as const, reason }];
      }),
  ];
  const ids = (verdict: 'accept' | 'reject') =>
    verdicts.filter((v) => v.verdict === verdict).map((v) => v.connection.endpointId);
  const failures = options.dryRun
    ? new Map<string, string>()
    : new Map([
        ...(ids('accept').length > 0 ? await acceptConnections(runtime.hubEc2, hubServiceId, ids('accept')) : []),
        ...(ids('reject').length > 0 ? await rejectConnections(runtime.hubEc2, hubServiceId, ids('reject')) : []),
      ]);
  for (const { connection, verdict, reason } of verdicts) {
    const scope = { accountId: connection.ownerAccountId, endpointId: connection.endpointId };
    const failure = failures.get(connection.endpointId);
    plan.actions.push({ action: `connection.${verdict}`, scope, reason, details: { state: connection.state } });
    if (failure !== undefined) plan.errors.push({ scope, error: failure });
    audit({
      action: `connection.${verdict}`,
      scope,
      decision: failure === undefined ? verdict : 'error',
      reason: failure === undefined ? reason : `${reason}; ${failure}`,
      before: { state: connection.state },
      dryRun: options.dryRun,
      correlationId: options.correlationId,
    });
  }
}

/**
 * Drops the mapping shards of accounts that are no longer in scope (left, closed, excluded, moved out of the OUs):
 * the account steps only visit in-scope accounts. A run restricted to accounts looks at those accounts only.
 */
export async function reconcileMappingShards(
  runtime: Runtime,
  plan: ReconcilePlan,
  decisions: ReadonlyMap<string, ScopeDecision>,
  options: ReconcileOptions,
): Promise<void> {
  const store = runtime.policyStore;
  if (store === undefined) return;
  const restrict = options.accountIds === undefined ? undefined : new Set(options.accountIds);
  const shards = await store.listShards();
  const noSpokeRead = () => Promise.reject(new Error('an out-of-scope account is never read'));
  for (const { accountId } of shards) {
    if (restrict !== undefined && !restrict.has(accountId)) continue;
    const scope = decisions.get(accountId) ?? { inScope: false as const, reason: `account ${accountId} is not a member of the organization` };
    if (scope.inScope) continue;
    plan.actions.push(...(await syncEndpointMapping(runtime, noSpokeRead, { accountId, scope, ...auditRun(options) })));
  }
}

export function auditRun(options: ReconcileOptions) {
  return { dryRun: options.dryRun, correlationId: options.correlationId };
}
