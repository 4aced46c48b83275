import { ENDPOINT_IDS_PER_CALL } from '../core/connections';
import { decideAccountScope, type ScopeDecision } from '../core/scope';
import type { PlannedAction } from '../core/plan-actions';
import { listAllAccounts } from '../aws/organizations';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import { mapSettled } from './bounded';
import { reconcileAccount, type AwaitingEndpoint } from './account';
import { step, type ReconcileOptions, type ReconcilePlan } from './reconcile-plan';
import { BatchingAcceptor } from './acceptor';
import { acceptPendingBatch, type EndpointVpc } from './connections';
import { auditRun, reconcileConnections, reconcileMappingShards, reconcilePrincipals, reconcileShare } from './organization-hub';
import { checkShareReachesMembers } from './share-reach';

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
  if (options.accountIds !== undefined) {
    const outOfScope = [...decisions].flatMap(([accountId, decision]) => (decision.inScope ? [] : [{ accountId, reason: decision.reason }]));
    if (outOfScope.length > 0) Object.assign(plan, { outOfScope });
  }

  // Accounts whose principal this plan adds: a dry run's VPC steps plan as if it were already allowed.
  const principalsAdded = new Set<string>();
  await step(plan, { accountId: 'organization' }, () => reconcilePrincipals(runtime, plan, decisions, options, principalsAdded));
  const shareArn = runtime.config.ramShareArn;
  if (shareArn !== undefined) {
    await step(plan, { accountId: 'organization' }, () => reconcileShare(runtime, plan, shareArn, decisions, options));
  } else {
    Object.assign(plan, { skipped: [{ step: 'resource share', reason: 'RAM_SHARE_ARN is not set, so no account is added to or removed from the share of the discovery parameters' }] });
  }

  // Decided once for the whole run from the tree walk: every step sees the same membership.
  const scopeOf = (accountId: string) =>
    Promise.resolve(decisions.get(accountId) ?? decideAccountScope(accountId, byId.get(accountId), runtime.config.scope));
  // Accepts endpoints while other accounts are still being converged; a dry run accepts nothing, its sweep plans.
  // The account steps report each new endpoint's VPC and tags, so a batch accepts without reading them again.
  const knownVpcs = new Map<string, EndpointVpc>();
  const acceptor = options.dryRun ? undefined : overlappingAcceptor(runtime, plan, scopeOf, options, knownVpcs);
  const onAwaitingAcceptance =
    acceptor === undefined
      ? undefined
      : (endpoints: readonly AwaitingEndpoint[]) => {
          for (const endpoint of endpoints) {
            knownVpcs.set(endpoint.vpcEndpointId, { vpcId: endpoint.vpcId, tags: endpoint.vpcTags });
            acceptor.notify(endpoint.vpcEndpointId);
          }
        };
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
  await step(plan, { accountId: 'organization' }, () => reconcileMappingShards(runtime, plan, decisions, options));
  // Last: a diagnosis, which must not delay the account steps or the sweep of pending connections.
  await step(plan, { accountId: 'organization' }, () => checkShareReachesMembers(runtime, plan));
  return plan;
}

/** A partial batch waits this long for more endpoints before it is accepted anyway. */
const ACCEPT_FLUSH_AFTER_MS = 1_000;

function overlappingAcceptor(
  runtime: Runtime,
  plan: ReconcilePlan,
  scopeOf: (accountId: string) => Promise<ScopeDecision>,
  options: ReconcileOptions,
  knownVpcs: ReadonlyMap<string, EndpointVpc>,
): BatchingAcceptor {
  return new BatchingAcceptor({
    batchSize: ENDPOINT_IDS_PER_CALL,
    flushAfterMs: ACCEPT_FLUSH_AFTER_MS,
    flush: async (endpointIds) => {
      for (const { connection, verdict } of await acceptPendingBatch(runtime, endpointIds, scopeOf, options.correlationId, knownVpcs)) {
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
