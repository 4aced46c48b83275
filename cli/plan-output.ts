import type { PlannedAction, ReconcilePlan } from '../functions/converge/organization';
import { renderTable, type Column } from './table';

const scopeOf = (action: PlannedAction) => [action.scope.vpcId, action.scope.endpointId].filter((part) => part !== undefined).join(' ') || '-';

const ACTION_COLUMNS: Column<PlannedAction>[] = [
  { header: 'ACCOUNT', value: (a) => a.scope.accountId },
  { header: 'VPC / ENDPOINT', value: scopeOf },
  { header: 'CHANGE', value: (a) => a.action },
  { header: 'REASON', value: (a) => a.reason, maxWidth: 80 },
];

const ERROR_COLUMNS: Column<ReconcilePlan['errors'][number]>[] = [
  { header: 'ACCOUNT', value: (e) => e.scope.accountId },
  { header: 'VPC / ENDPOINT', value: (e) => [e.scope.vpcId, e.scope.endpointId].filter((part) => part !== undefined).join(' ') || '-' },
  { header: 'ERROR', value: (e) => e.error, maxWidth: 120 },
];

/** The same rendering for `plan` (would change) and `reconcile` (changed). */
export function renderPlan(plan: ReconcilePlan): string {
  const verb = plan.dryRun ? 'would change' : 'changed';
  const lines = [
    `${plan.accounts.total} account(s), ${plan.accounts.inScope} in scope; ${plan.actions.length} change(s) ${plan.dryRun ? 'planned' : 'applied'}, ${plan.errors.length} error(s)`,
  ];
  lines.push('', plan.actions.length === 0 ? `Nothing ${verb}: the organization matches the desired state.` : renderTable(ACTION_COLUMNS, plan.actions));
  if (plan.errors.length > 0) lines.push('', 'Errors:', renderTable(ERROR_COLUMNS, plan.errors));
  return lines.join('\n');
}
