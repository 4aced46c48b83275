import { decideAccountScope, type ScopeDecision } from '../core/scope';
import { ENTRIES_PER_CALL, publishReconcileContinuation } from '../aws/hub-bus';
import { listAllAccounts } from '../aws/organizations';
import { audit, type AuditScope } from '../shared/audit';
import type { Runtime } from '../shared/runtime';
import { wallClock } from '../shared/wall-clock';
import { toError } from './bounded';
import { reconcileConnections, reconcileMappingShards, reconcilePrincipals, reconcileShare } from './organization-hub';
import { step, type ReconcileOptions, type ReconcilePlan } from './reconcile-plan';
import { checkShareReachesMembers } from './share-reach';
import { WorkItemStream } from './fan-out-stream';
import { publishWorkItems, workItemOf } from './work-items';

export interface FanOutOptions {
  /** The run's id: the correlation id of every audit record and work item of the run, continuations included. */
  readonly runId: string;
  /** Set on a continuation: publish only accounts with a greater id, and skip the hub steps the run already made. */
  readonly afterAccountId?: string;
  /** On a continuation: how many invocations before it failed at the same cursor without publishing. @default 0 */
  readonly retries?: number;
  /** Milliseconds left in this invocation (the Lambda context's clock). */
  readonly remainingMs: () => number;
  /** With less than this left, the rest of the organization goes to a continuation. */
  readonly marginMs: number;
  /** In-scope accounts per streamed batch during the walk. @default STREAMED_ACCOUNTS_PER_BATCH */
  readonly streamBatchSize?: number;
}

/** What a fan-out invocation did, small whatever the organization's size (never the per-VPC plan). */
export interface FanOutSummary {
  readonly runId: string;
  readonly fanOut: true;
  readonly accounts: { readonly total: number; readonly inScope: number };
  /** Work items this invocation put on the hub bus. */
  readonly published: number;
  /** Set when this invocation handed the accounts after this id to a continuation. */
  readonly continuedAfter?: string;
  /** Set when this continuation failed before publishing and handed its own cursor on again (the retry's number). */
  readonly retried?: number;
  /** Hub-side changes by action (principals, share, connections), counted. */
  readonly hubActions: Readonly<Record<string, number>>;
  readonly errorCount: number;
  /** The first few errors; the audit trail has all of them. */
  readonly errors: readonly { readonly scope: AuditScope; readonly error: string }[];
  /** What keeps the applied state from taking effect (RAM sharing with the organization not enabled). */
  readonly warnings?: readonly { readonly step: string; readonly reason: string }[];
}

/** Errors listed in the summary; a systemic failure would otherwise return thousands of lines. */
const ERRORS_IN_SUMMARY = 20;

/**
 * A whole-organization apply, fanned out: one `Account Reconcile Requested` work item per in-scope account,
 * ENTRIES_PER_CALL per PutEvents call, and the hub-side steps once (the principals, the share, the sweep of the
 * service's connections). The first invocation publishes while it walks the organization, each batch of accounts
 * after their principals (fan-out-stream.ts); the rest, after the hub steps, in account id order. The per-account
 * work (spoke role, VPCs, endpoints) runs in the account-reconcile consumer, so no invocation holds 10,000 accounts.
 * When time runs short it publishes a continuation carrying its cursor and returns; the continuation lists the
 * organization again (membership may have changed meanwhile) and publishes the accounts after the cursor (some of
 * them streamed already: a duplicate work item is harmless). Every invocation publishes at least one call's worth
 * of accounts before it may continue, so a run always progresses.
 */
export async function fanOutReconcile(runtime: Runtime, options: FanOutOptions): Promise<FanOutSummary> {
  const startedAt = wallClock.now();
  const plan: ReconcilePlan = {
    correlationId: options.runId,
    dryRun: false,
    accounts: { total: 0, inScope: 0 },
    actions: [],
    errors: [],
  };
  // The first invocation publishes batches of accounts while it walks the organization (fan-out-stream.ts).
  const stream = options.afterAccountId === undefined ? new WorkItemStream(runtime, plan, options.runId, options.streamBatchSize) : undefined;
  let members: Awaited<ReturnType<typeof listAllAccounts>>;
  try {
    members = await listAllAccounts(runtime.organizations, stream?.offer);
  } catch (thrown) {
    // The scheduled invocation fails (alarm) and the next schedule runs again. What it streamed is harmless: every
    // work item is level-triggered, and went out only after its account's principal was allowed.
    if (options.afterAccountId === undefined) {
      await stream?.published();
      throw thrown;
    }
    return retryContinuation(runtime, plan, { ...options, afterAccountId: options.afterAccountId }, toError(thrown));
  }
  const decisions = new Map(members.map((a) => [a.accountId, decideAccountScope(a.accountId, a, runtime.config.scope)]));
  const inScopeIds = [...decisions].filter(([, d]) => d.inScope).map(([id]) => id).sort();
  Object.assign(plan.accounts, { total: decisions.size, inScope: inScopeIds.length });

  const streamed = (await stream?.published()) ?? new Set<string>();
  if (options.afterAccountId === undefined) await hubSteps(runtime, plan, decisions, startedAt);

  const { afterAccountId } = options;
  const pending = afterAccountId === undefined ? inScopeIds.filter((id) => !streamed.has(id)) : inScopeIds.filter((id) => id > afterAccountId);
  let published = streamed.size;
  let continuedAfter: string | undefined;
  for (let i = 0; i < pending.length; i += ENTRIES_PER_CALL) {
    const lastPublished = pending[i - 1];
    if (lastPublished !== undefined && options.remainingMs() < options.marginMs) {
      await step(plan, { accountId: 'organization' }, async () => {
        await publishReconcileContinuation(runtime.events, runtime.config.hubEventBusName, { runId: options.runId, afterAccountId: lastPublished });
        continuedAfter = lastPublished;
        audit({
          action: 'reconcile.continue',
          scope: { accountId: 'organization' },
          decision: 'noop',
          reason: `${pending.length - i} account(s) after ${lastPublished} left to a continuation (${options.remainingMs()} ms left)`,
          dryRun: false,
          correlationId: options.runId,
        });
      });
      break;
    }
    const chunk = pending.slice(i, i + ENTRIES_PER_CALL).map((accountId) => workItemOf(accountId, decisions.get(accountId)));
    published += (await publishWorkItems(runtime, plan, options.runId, chunk)).length;
  }

  return {
    runId: options.runId,
    fanOut: true,
    accounts: plan.accounts,
    published,
    ...(continuedAfter === undefined ? {} : { continuedAfter }),
    hubActions: countByAction(plan),
    errorCount: plan.errors.length,
    errors: plan.errors.slice(0, ERRORS_IN_SUMMARY),
    ...(plan.warnings === undefined ? {} : { warnings: plan.warnings }),
  };
}

/**
 * Consecutive failed invocations at one cursor before the chain gives up (an alarm has fired for each; the next
 * schedule starts a new run). Enough for throttling that outlasted the SDK's own retries, not for a broken role.
 */
export const MAX_CONTINUATION_RETRIES = 3;

/**
 * A continuation that failed before publishing anything (listing the organization: Organizations throttles every
 * function's calls against one rate, and this is the one place a throttle that outlasted the SDK's retries used to
 * end the run) hands its own cursor to a new continuation, then fails so the alarm still fires.
 *
 * Why this cannot fork the chain, where Lambda's asynchronous retries could (they stay off for the reconciler): an
 * invocation publishes at most one continuation, either this one (having published no work items) or the next
 * cursor's (as its last act), never both, so every link of the chain has exactly one successor. A Lambda retry would
 * re-run an invocation that may already have published its successor. Duplicate work items would be harmless (they
 * are level-triggered); a second chain would double every later PutEvents and Organizations walk of the run.
 */
async function retryContinuation(
  runtime: Runtime,
  plan: ReconcilePlan,
  options: FanOutOptions & { afterAccountId: string },
  error: Error,
): Promise<FanOutSummary> {
  const retries = (options.retries ?? 0) + 1;
  const reason = `listing the organization failed (${error.name}: ${error.message})`;
  plan.errors.push({ scope: { accountId: 'organization' }, error: `${error.name}: ${error.message}` });
  let retried: number | undefined;
  if (retries <= MAX_CONTINUATION_RETRIES) {
    await step(plan, { accountId: 'organization' }, async () => {
      await publishReconcileContinuation(runtime.events, runtime.config.hubEventBusName, { runId: options.runId, afterAccountId: options.afterAccountId, retries });
      retried = retries;
    });
  }
  audit({
    action: 'reconcile.continue',
    scope: { accountId: 'organization' },
    decision: retried === undefined ? 'error' : 'noop',
    reason: retried === undefined
      ? `${reason}; the run stops after ${options.afterAccountId} (${retries - 1} retries spent): the next schedule repairs`
      : `${reason}; accounts after ${options.afterAccountId} handed to a continuation again (retry ${retries} of ${MAX_CONTINUATION_RETRIES})`,
    dryRun: false,
    correlationId: options.runId,
  });
  return {
    runId: options.runId,
    fanOut: true,
    accounts: plan.accounts,
    published: 0,
    ...(retried === undefined ? {} : { retried }),
    hubActions: {},
    errorCount: plan.errors.length,
    errors: plan.errors.slice(0, ERRORS_IN_SUMMARY),
  };
}

/** Thrown after a fan-out invocation that published what it could but failed somewhere: alarms fire. */
export class FanOutFailedError extends Error {
  override readonly name = 'FanOutFailedError';
  constructor(readonly summary: FanOutSummary) {
    const listed = summary.errors.slice(0, 5).map((e) => `${e.scope.accountId}${e.scope.endpointId ? `/${e.scope.endpointId}` : ''}: ${e.error}`);
    super(`fan-out reconcile ${summary.runId} published ${summary.published} account(s) with ${summary.errorCount} error(s): ${listed.join('; ')}`);
  }
}

async function hubSteps(
  runtime: Runtime,
  plan: ReconcilePlan,
  decisions: ReadonlyMap<string, ScopeDecision>,
  /** When the run started (epoch ms): the connections sweep leaves younger pending connections to acceptance. */
  startedAt: number,
): Promise<void> {
  const options: ReconcileOptions = { dryRun: false, correlationId: plan.correlationId };
  // The per-account consumers read the principal's presence from the service itself, so the added set is unused.
  await step(plan, { accountId: 'organization' }, () => reconcilePrincipals(runtime, plan, decisions, options, new Set<string>()));
  const shareArn = runtime.config.ramShareArn;
  if (shareArn !== undefined) {
    await step(plan, { accountId: 'organization' }, () => reconcileShare(runtime, plan, shareArn, decisions, options));
  }
  // Every member has a decision; anyone else (an outside account's connection) is not a member.
  const scopeOf = (accountId: string) =>
    Promise.resolve(decisions.get(accountId) ?? decideAccountScope(accountId, undefined, runtime.config.scope));
  // It rejects what out-of-scope owners still hold and decides what was left pending before this run started.
  // Endpoints the consumers create meanwhile (streamed accounts are at work already) reach acceptance through their
  // own hand-offs: the sweep leaves them alone rather than spend the hub's Accept bucket on them a second time.
  await step(plan, { accountId: 'organization' }, () => reconcileConnections(runtime, plan, scopeOf, decisions, options, startedAt));
  await step(plan, { accountId: 'organization' }, () => reconcileMappingShards(runtime, plan, decisions, options));
  // Last: a diagnosis, which must not delay the sweep of pending connections.
  await step(plan, { accountId: 'organization' }, () => checkShareReachesMembers(runtime, plan));
}

function countByAction(plan: ReconcilePlan): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const { action } of plan.actions) counts[action] = (counts[action] ?? 0) + 1;
  return counts;
}
