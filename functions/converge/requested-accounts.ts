import type { ScopeDecision } from '../core/scope';
import { publishEndpointCreated, type EndpointCreatedDetail } from '../aws/hub-bus';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import { reconcileAccount } from './account';
import { mapSettled, toError } from './bounded';
import { step, type ReconcilePlan } from './reconcile-plan';
import { accountScopeCache } from './vpc';

/** One work item of a fan-out run: converge this account as the reconciler would. */
export interface AccountReconcileRequest {
  readonly accountId: string;
  /** The fan-out run's id: the correlation id of the account's audit records. */
  readonly runId: string;
  /**
   * The item comes from the control plane's own run, which published only accounts it had just found in scope
   * (one walk of the OU tree for the whole organization). Re-reading each account would cost DescribeAccount plus a
   * ListParents chain against Organizations' low organization-wide rate: ~30,000 calls, the critical path of a
   * 10,000-account rollout. A late item for an account that left meanwhile at worst creates an endpoint whose
   * connection acceptance (which re-reads membership) never accepts. Items from anyone else re-read.
   */
  readonly decidedInScopeByRun?: boolean;
  /** The account's parents as the run read them: the per-OU policy defaults of its endpoints. */
  readonly ancestorIds?: readonly string[];
}

/** An account whose pass recorded errors: its work items fail, so SQS retries them and then dead-letters them. */
export class AccountReconcileError extends Error {
  override readonly name = 'AccountReconcileError';
  constructor(accountId: string, errors: ReconcilePlan['errors']) {
    const listed = errors.slice(0, 3).map((e) => `${e.scope.vpcId ?? e.scope.accountId}: ${e.error}`);
    super(`account ${accountId} finished with ${errors.length} error(s): ${listed.join('; ')}`);
  }
}

/**
 * Converges each requested account (every VPC of it in the hub region, one after another at the account's paced
 * CreateVpcEndpoint rate; distinct accounts in parallel, their buckets are separate), then hands the endpoints left
 * awaiting acceptance to the acceptance queue, which accepts them 100 per call. Returns, per account id, why it
 * failed. Membership is re-read first (unless the run's own decision is carried, see `decidedInScopeByRun`): an account that left the scope since the run published it is skipped, as
 * the inline reconcile visits only in-scope accounts (the hub side, its principal and connections, is the run's
 * and account onboarding's), instead of failing on a spoke role it may no longer let us assume.
 */
export async function reconcileRequestedAccounts(runtime: Runtime, requests: readonly AccountReconcileRequest[]): Promise<Map<string, Error>> {
  const readScope = accountScopeCache(runtime);
  const trusted = new Map(requests.filter((r) => r.decidedInScopeByRun === true).map((r) => [r.accountId, r]));
  const scopeOf = (accountId: string): Promise<ScopeDecision> => {
    const request = trusted.get(accountId);
    if (request === undefined) return readScope(accountId);
    const reason = `in scope when run ${request.runId} read the organization`;
    return Promise.resolve({ inScope: true, reason, ...(request.ancestorIds === undefined ? {} : { ancestorIds: request.ancestorIds }) });
  };
  const outcomes = await mapSettled(requests, runtime.config.reconcileConcurrency, async ({ accountId, runId }) => {
    const plan: ReconcilePlan = { correlationId: runId, dryRun: false, accounts: { total: 1, inScope: 1 }, actions: [], errors: [] };
    const scope = await scopeOf(accountId);
    if (!scope.inScope) {
      audit({ action: 'reconcile.account', scope: { accountId }, decision: 'noop', reason: `${scope.reason}: skipped`, dryRun: false, correlationId: runId });
      return;
    }
    await step(plan, { accountId }, () =>
      reconcileAccount(runtime, plan, accountId, scopeOf, {
        dryRun: false,
        correlationId: runId,
        // The hand-off carries what this pass read (owner in scope, VPC tagged): acceptance trusts it from this account.
        onAwaitingAcceptance: (endpoints) =>
          publishEndpointCreated(runtime.events, runtime.config.hubEventBusName, endpoints.map(({ vpcTags: _tags, ...detail }): EndpointCreatedDetail => detail)),
      }),
    );
    if (plan.errors.length > 0) throw new AccountReconcileError(accountId, plan.errors);
  });
  const errors = new Map<string, Error>();
  outcomes.forEach((outcome, index) => {
    const request = requests[index];
    if (outcome.status === 'rejected' && request !== undefined) errors.set(request.accountId, toError(outcome.reason));
  });
  return errors;
}
