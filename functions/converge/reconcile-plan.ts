import type { PlannedAction } from '../core/plan-actions';
import { audit, type AuditScope } from '../shared/audit';
import { toError } from './bounded';

/** What a reconcile decided (and, unless dry run, applied), and what it could not do. */
export interface ReconcilePlan {
  readonly correlationId: string;
  readonly dryRun: boolean;
  readonly accounts: { readonly total: number; readonly inScope: number };
  readonly actions: PlannedAction[];
  readonly errors: { readonly scope: AuditScope; readonly error: string }[];
  /**
   * Accounts the caller named (`accountIds`) that the run leaves alone, and why (not a member, excluded, outside
   * the in-scope OUs): an operator who asked about one account learns why nothing is planned for it.
   */
  readonly outOfScope?: { readonly accountId: string; readonly reason: string }[];
  /** Steps left out because a setting is missing (the resource share without RAM_SHARE_ARN), each with why. */
  readonly skipped?: { readonly step: string; readonly reason: string }[];
  /** What keeps the desired state from taking effect although the run applied it (RAM sharing not enabled). */
  readonly warnings?: { readonly step: string; readonly reason: string }[];
}

export interface ReconcileOptions {
  readonly dryRun: boolean;
  readonly correlationId: string;
  /** Restrict the run to these accounts (principals of other accounts are then left alone). */
  readonly accountIds?: readonly string[];
}

/** Runs one unit of the reconcile; a failure is recorded against its scope and the run goes on. */
export async function step(plan: ReconcilePlan, scope: AuditScope, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (thrown) {
    const error = toError(thrown);
    const reason = `${error.name}: ${error.message}`;
    plan.errors.push({ scope, error: reason });
    audit({ action: 'reconcile.step', scope, decision: 'error', reason, dryRun: plan.dryRun, correlationId: plan.correlationId });
  }
}

