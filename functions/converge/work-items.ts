import type { ScopeDecision } from '../core/scope';
import { publishAccountReconcileRequests } from '../aws/hub-bus';
import { audit } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import { toError } from './bounded';
import type { ReconcilePlan } from './reconcile-plan';

/** An account's work item: the account and, for an in-scope one, the parents the run read (per-OU policy defaults). */
export interface WorkItem {
  readonly accountId: string;
  readonly ancestorIds: readonly string[] | undefined;
}

export function workItemOf(accountId: string, decision: ScopeDecision | undefined): WorkItem {
  return { accountId, ancestorIds: decision?.inScope === true ? decision.ancestorIds : undefined };
}

/**
 * One PutEvents call (at most ENTRIES_PER_CALL items); a refused entry or a failed call is an error of that account,
 * and the run goes on. Returns the accounts whose work item was published. With `retriedLater`, a refusal is only
 * audited (decision `noop`): the caller publishes those accounts again, and an error recorded now would fail a run
 * that published everything in the end.
 */
export async function publishWorkItems(
  runtime: Runtime,
  plan: ReconcilePlan,
  runId: string,
  items: readonly WorkItem[],
  options: { retriedLater?: boolean } = {},
): Promise<string[]> {
  let refused: Map<string, string>;
  try {
    const entries = items.map(({ accountId, ancestorIds }) => (ancestorIds === undefined ? { accountId } : { accountId, ancestorIds }));
    refused = await publishAccountReconcileRequests(runtime.events, runtime.config.hubEventBusName, runId, entries);
  } catch (thrown) {
    const error = toError(thrown);
    refused = new Map(items.map(({ accountId }) => [accountId, `${error.name}: ${error.message}`]));
  }
  for (const [accountId, reason] of refused) {
    if (options.retriedLater === true) {
      audit({ action: 'reconcile.publish', scope: { accountId }, decision: 'noop', reason: `${reason}; published again after the walk`, dryRun: false, correlationId: runId });
      continue;
    }
    plan.errors.push({ scope: { accountId }, error: `work item not published: ${reason}` });
    audit({ action: 'reconcile.publish', scope: { accountId }, decision: 'error', reason, dryRun: false, correlationId: runId });
  }
  return items.map(({ accountId }) => accountId).filter((accountId) => !refused.has(accountId));
}
