import { ENDPOINT_IDS_PER_CALL, REJECTABLE_STATES, type ConnectionFacts } from '../core/connections';
import { planAllPrincipals, planPrincipalChanges, planShareChanges, type PrincipalChanges } from '../core/principals';
import { accountIdOfRootPrincipal, decideAccountScope, type ScopeDecision } from '../core/scope';
import type { PlannedAction } from '../core/plan-actions';
import {
  acceptConnections,
  listAllowedPrincipals,
  listConnections,
  modifyAllowedPrincipals,
  rejectConnections,
} from '../aws/endpoint-service';
import { listAllAccounts } from '../aws/organizations';
import { listSharedAccountIds, modifySharePrincipals } from '../aws/resource-share';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import { mapSettled } from './bounded';
import { reconcileAccount } from './account';
import { step, type ReconcileOptions, type ReconcilePlan } from './reconcile-plan';
import { BatchingAcceptor } from './acceptor';
import { acceptPendingBatch, decideConnections } from './connections';

export type { PlannedAction, ReconcileOptions, ReconcilePlan };

/**
 * The whole organization's desired state, computed with the same core decisions as the event handlers, applied
 * unless dry run. Per-account failures are collected (and audited) so one broken account does not stop the
 * rollout; the caller decides whether they fail the invocation.
 */
export async function reconcileOrganization(runtime: Runtime, options: ReconcileOptions): Promise<ReconcilePlan> {
  const plan: ReconcilePlan = {
    correlationId: options.correlationId,
    dryRun: options.dryRun,
    accounts: { total: 0, inScope: 0 },
    actions: [],
    errors: [],
  };
  const members = await listAllAccounts(runtime.organizations);
  const byId = new Map(members.map((a) => [a.accountId, a]));
  const accountIds = options.accountIds ?? members.map((a) => a.accountId);
  const decisions = new Map(accountIds.map((id) => [id, decideAccountScope(id, byId.get(id), runtime.config.scope)]));
  const inScopeIds = [...decisions].filter(([, d]) => d.inScope).map(([id]) => id);
  Object.assign(plan.accounts, { total: decisions.size, inScope: inScopeIds.length });

  // Accounts whose principal this plan adds: a dry run's VPC steps plan as if it were already allowed.
  const principalsAdded = new Set<string>();
  await step(plan, { accountId: 'organization' }, () => reconcilePrincipals(runtime, plan, decisions, options, principalsAdded));
  const shareArn = runtime.config.ramShareArn;
  if (shareArn !== undefined) {
    await step(plan, { accountId: 'organization' }, () => reconcileShare(runtime, plan, shareArn, decisions, options));
  }

  // Decided once for the whole run from the tree walk: every step sees the same membership.
  const scopeOf = (accountId: string) =>
    Promise.resolve(decisions.get(accountId) ?? decideAccountScope(accountId, byId.get(accountId), runtime.config.scope));
  // Accepts endpoints while other accounts are still being converged; a dry run accepts nothing, its sweep plans.
  const acceptor = options.dryRun ? undefined : overlappingAcceptor(runtime, plan, scopeOf, options);
  const onAwaitingAcceptance = acceptor === undefined ? undefined : (endpointId: string) => acceptor.notify(endpointId);
  await mapSettled(inScopeIds, runtime.config.reconcileConcurrency, (accountId) =>
    step(plan, { accountId }, () =>
      reconcileAccount(runtime, plan, accountId, scopeOf, {
        ...options,
        principalPlanned: principalsAdded.has(accountId),
        ...(onAwaitingAcceptance === undefined ? {} : { onAwaitingAcceptance }),
      }),
    ),
  );
  await acceptor?.drain();
  // Still runs: it catches what the batches left pending (rejects, undecidable, failed accepts) and offboarding.
  await step(plan, { accountId: 'organization' }, () => reconcileConnections(runtime, plan, scopeOf, decisions, options));
  return plan;
}

/** A partial batch waits this long for more endpoints before it is accepted anyway. */
const ACCEPT_FLUSH_AFTER_MS = 1_000;

function overlappingAcceptor(
  runtime: Runtime,
  plan: ReconcilePlan,
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  options: ReconcileOptions,
): BatchingAcceptor {
  return new BatchingAcceptor({
    batchSize: ENDPOINT_IDS_PER_CALL,
    flushAfterMs: ACCEPT_FLUSH_AFTER_MS,
    flush: async (endpointIds) => {
      for (const { connection, verdict } of await acceptPendingBatch(runtime, endpointIds, scopeOf, options.correlationId)) {
        const scope = { accountId: connection.ownerAccountId, endpointId: connection.endpointId };
        plan.actions.push({ action: 'connection.accept', scope, reason: verdict.reason, details: { state: connection.state } });
      }
    },
    // Not a plan error: those ids are still pending and the final sweep decides them (and records its own failure).
    onFlushError: (error, endpointIds) =>
      audit({
        action: 'connection.accept-batch',
        scope: { accountId: 'organization' },
        decision: 'error',
        reason: `${error.name}: ${error.message} (${endpointIds.length} endpoints left to the final sweep)`,
        ...auditRun(options),
      }),
  });
}

async function reconcilePrincipals(
  runtime: Runtime,
  plan: ReconcilePlan,
  decisions: ReadonlyMap<string, ScopeDecision>,
  options: ReconcileOptions,
  added: Set<string>,
): Promise<void> {
  const current = await listAllowedPrincipals(runtime.hubEc2, runtime.config.hubServiceId);
  const change: PrincipalChanges =
    options.accountIds === undefined
      ? planAllPrincipals(current, [...decisions].filter(([, d]) => d.inScope).map(([id]) => id))
      : planPrincipalChanges(current, new Map([...decisions].map(([id, d]) => [id, d.inScope])));
  for (const [principals, decision] of [[change.add, 'allow'], [change.remove, 'remove']] as const) {
    for (const principal of principals) {
      const accountId = accountIdOfRootPrincipal(principal) ?? principal;
      const reason = decisions.get(accountId)?.reason ?? 'not an in-scope account of the organization';
      const scope = { accountId };
      plan.actions.push({ action: `endpoint-service.${decision}-principal`, scope, reason, details: { principal } });
      audit({ action: 'endpoint-service.allowed-principal', scope, decision, reason, ...auditRun(options) });
    }
  }
  if (!options.dryRun) await modifyAllowedPrincipals(runtime.hubEc2, runtime.config.hubServiceId, change);
  // Recorded only once applied (or, in a dry run, planned): a failed modify leaves the VPC steps blocked, truthfully.
  for (const principal of change.add) added.add(accountIdOfRootPrincipal(principal) ?? principal);
}

async function reconcileShare(
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
  for (const [ids, decision] of [[change.associate, 'allow'], [change.disassociate, 'remove']] as const) {
    for (const accountId of ids) {
      const reason = decisions.get(accountId)?.reason ?? 'not a member of the organization';
      const action = `resource-share.${decision === 'allow' ? 'associate' : 'disassociate'}`;
      plan.actions.push({ action, scope: { accountId }, reason });
      audit({ action: 'resource-share.principal', scope: { accountId }, decision, reason, ...auditRun(options) });
    }
  }
  if (!options.dryRun) await modifySharePrincipals(runtime.ram, shareArn, change);
}

/** Pending connections are decided like acceptance does; live connections of out-of-scope owners are rejected. */
async function reconcileConnections(
  runtime: Runtime,
  plan: ReconcilePlan,
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  decisions: ReadonlyMap<string, ScopeDecision>,
  options: ReconcileOptions,
): Promise<void> {
  const { hubServiceId } = runtime.config;
  const all = await listConnections(runtime.hubEc2, hubServiceId, { states: REJECTABLE_STATES });
  const restrict = options.accountIds === undefined ? undefined : new Set(options.accountIds);
  const relevant = all.filter((c) => restrict === undefined || restrict.has(c.ownerAccountId));
  const pending = relevant.filter((c) => c.state === 'pendingAcceptance');
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

function auditRun(options: ReconcileOptions) {
  return { dryRun: options.dryRun, correlationId: options.correlationId };
}
