import type { PlannedAction, ReconcilePlan } from '../functions/converge/organization';
import { renderTable, wrapText, type Column } from './table';

const scopeOf = (scope: { vpcId?: string; endpointId?: string }) => [scope.vpcId, scope.endpointId].filter((part) => part !== undefined).join(' ') || '-';

const ACTION_COLUMNS: Column<PlannedAction>[] = [
  { header: 'ACCOUNT', value: (a) => a.scope.accountId },
  { header: 'VPC / ENDPOINT', value: (a) => scopeOf(a.scope) },
  { header: 'CHANGE', value: (a) => a.action },
  { header: 'REASON', value: (a) => a.reason, wrap: true },
];

export const ERROR_COLUMNS: Column<ReconcilePlan['errors'][number]>[] = [
  { header: 'ACCOUNT', value: (e) => e.scope.accountId },
  { header: 'VPC / ENDPOINT', value: (e) => scopeOf(e.scope) },
  { header: 'ERROR', value: (e) => e.error, wrap: true },
];

/**
 * The same rendering for `plan` (would change) and `reconcile` (changed), fitted to `width` when given. An empty
 * plan says why it is empty: errors kept it from being complete, or no requested account is in scope.
 */
export function renderPlan(plan: ReconcilePlan, width?: number): string {
  const lines = [
    `${plan.accounts.total} account(s), ${plan.accounts.inScope} in scope; ${plan.actions.length} change(s) ${plan.dryRun ? 'planned' : 'applied'}, ${plan.errors.length} error(s)`,
  ];
  lines.push('', plan.actions.length === 0 ? emptyPlanSentence(plan) : renderTable(ACTION_COLUMNS, plan.actions, width));
  if (plan.errors.length > 0) lines.push('', 'Errors:', renderTable(ERROR_COLUMNS, plan.errors, width));
  const outOfScope = plan.outOfScope ?? [];
  if (outOfScope.length > 0) lines.push('', 'Not in scope, left alone:', ...outOfScope.flatMap((a) => wrapText(`${a.accountId}: ${a.reason}`, width, '  ')));
  const warnings = plan.warnings ?? [];
  if (warnings.length > 0) lines.push('', 'Warnings:', ...warnings.flatMap((w) => wrapText(`${w.step}: ${w.reason}`, width, '  ')));
  const skipped = plan.skipped ?? [];
  if (skipped.length > 0) lines.push('', 'Skipped:', ...skipped.flatMap((s) => wrapText(`${s.step}: ${s.reason}`, width, '  ')));
  return lines.join('\n');
}

function emptyPlanSentence(plan: ReconcilePlan): string {
  const verb = plan.dryRun ? 'would change' : 'changed';
  if (plan.errors.length > 0) {
    return `Nothing ${verb} where the reconcile could look, but ${plan.errors.length} error(s) kept it from looking everywhere: see below.`;
  }
  if (plan.accounts.inScope === 0 && (plan.outOfScope ?? []).length > 0) return `Nothing ${verb}: no requested account is in scope (see below).`;
  return `Nothing ${verb}: the organization matches the desired state.`;
}
