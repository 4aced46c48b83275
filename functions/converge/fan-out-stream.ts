import { planPrincipalChanges } from '../core/principals';
import { decideAccountScope, rootPrincipalArn, type OrgAccount, type ScopeDecision } from '../core/scope';
import { ENTRIES_PER_CALL } from '../aws/hub-bus';
import { listAllowedPrincipals } from '../aws/endpoint-service';
import type { Runtime } from '../shared/runtime';
import { applyPrincipalChange } from './organization-hub';
import { step, type ReconcilePlan } from './reconcile-plan';
import { publishWorkItems, workItemOf, type WorkItem } from './work-items';

/**
 * In-scope accounts that get their principal in one ModifyVpcEndpointServicePermissions call and then their work
 * items, while the walk of the organization goes on. 500 accounts are 25 pages of ListAccountsForParent (2.5 s of
 * Organizations' rate); a 10,000-account organization costs 20 principals calls instead of one, against a mutating
 * bucket of 50.
 */
export const STREAMED_ACCOUNTS_PER_BATCH = 500;

/**
 * Publishes work items for the accounts of the organization as the walk reads them, instead of after it. Why: the walk
 * is one ListAccountsForParent page of 20 accounts per call against Organizations' organization-wide rate (~10 per
 * second), so 10,000 accounts take ~50 s before the first work item; measured, those 50 s came on top of the rollout's
 * critical path (the hub's Accept bucket), which cannot start before endpoints exist.
 *
 * Safe because every batch gets its principals first (added only: an account is never removed on a partial view of
 * the organization), and a batch whose principals call fails publishes nothing: its accounts are left to the run's
 * publishing after the walk, behind the hub steps, as before; so is an account whose work item EventBridge refused. Only the first invocation of a run streams; what the
 * walk leaves unbatched (fewer than a batch) goes the old way too, with the continuation's cursor.
 */
export class WorkItemStream {
  private readonly ready: { item: WorkItem; decision: ScopeDecision }[] = [];
  private readonly publishedIds = new Set<string>();
  private chain: Promise<void> = Promise.resolve();

  constructor(
    private readonly runtime: Runtime,
    private readonly plan: ReconcilePlan,
    private readonly runId: string,
    private readonly batchSize = STREAMED_ACCOUNTS_PER_BATCH,
  ) {}

  /** The walk's page callback: queues the in-scope accounts and starts a batch once enough are ready. */
  readonly offer = (accounts: readonly OrgAccount[]): void => {
    for (const account of accounts) {
      const decision = decideAccountScope(account.accountId, account, this.runtime.config.scope);
      if (decision.inScope) this.ready.push({ item: workItemOf(account.accountId, decision), decision });
    }
    if (this.ready.length >= this.batchSize) {
      const batch = this.ready.splice(0, this.ready.length);
      // One batch at a time, in order: the walk goes on meanwhile. A batch's errors are recorded in the plan, never
      // thrown: a rejected chain would be unhandled until the walk ends, and would drop every later batch.
      this.chain = this.chain.then(() => step(this.plan, { accountId: 'organization' }, () => this.publish(batch)));
    }
  };

  /** Waits for the batches started; returns the accounts whose work items are out. */
  async published(): Promise<ReadonlySet<string>> {
    await this.chain;
    return this.publishedIds;
  }

  private async publish(batch: readonly { item: WorkItem; decision: ScopeDecision }[]): Promise<void> {
    const decisions = new Map(batch.map(({ item, decision }) => [item.accountId, decision]));
    let allowed = false;
    await step(this.plan, { accountId: 'organization' }, async () => {
      // This batch's principals, read now (filtered by principal: one call): a set read earlier in the run could miss
      // a removal made meanwhile (an operator, account onboarding, an overlapping run), and the work item would then
      // reach a consumer that cannot create the endpoint.
      const { hubEc2, config } = this.runtime;
      const wanted = new Map([...decisions.keys()].map((id) => [id, true]));
      const current = await listAllowedPrincipals(hubEc2, config.hubServiceId, [...wanted.keys()].map((id) => rootPrincipalArn(id, config.partition)));
      const change = planPrincipalChanges(current, wanted, config.partition);
      await applyPrincipalChange(this.runtime, this.plan, change, decisions, { dryRun: false, correlationId: this.runId });
      allowed = true;
    });
    // A failed principals call (recorded by the step) leaves these accounts to the publishing after the walk.
    if (!allowed) return;
    for (let i = 0; i < batch.length; i += ENTRIES_PER_CALL) {
      const items = batch.slice(i, i + ENTRIES_PER_CALL).map(({ item }) => item);
      const published = await publishWorkItems(this.runtime, this.plan, this.runId, items, { retriedLater: true });
      for (const accountId of published) this.publishedIds.add(accountId);
    }
  }
}
