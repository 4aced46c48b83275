import type { FanOutSummary } from '../functions/converge/fan-out';
import { ERROR_COLUMNS } from './plan-output';
import { renderTable, wrapText } from './table';

/** The summary as a short two-column table, the listed errors, then how to follow the accounts' work. */
export function renderFanOutSummary(summary: FanOutSummary, width?: number): string {
  const rows: [string, string][] = [
    ['run id', summary.runId],
    ['accounts', `${summary.accounts.total} (${summary.accounts.inScope} in scope)`],
    ['published', `${summary.published} work item(s), one per account`],
    ['continued after', summary.continuedAfter === undefined ? '-' : `${summary.continuedAfter} (a continuation invocation publishes the accounts after it)`],
    ['hub actions', hubActionsText(summary.hubActions)],
    ['errors', String(summary.errorCount)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const lines = rows.map(([label, value]) => `${label.padEnd(labelWidth)}  ${value}`);
  if (summary.errors.length > 0) {
    const listed = summary.errors.length < summary.errorCount ? `Errors (the first ${summary.errors.length}):` : 'Errors:';
    lines.push('', listed, renderTable(ERROR_COLUMNS, summary.errors, width));
  }
  const warnings = summary.warnings ?? [];
  if (warnings.length > 0) lines.push('', 'Warnings:', ...warnings.flatMap((w) => wrapText(`${w.step}: ${w.reason}`, width, '  ')));
  lines.push('', ...followUp(summary));
  return lines.join('\n');
}

/**
 * The command returns once the work items are published; the accounts converge afterwards, each in the account
 * reconciler. Their audit records carry the run id as correlation id, so one query follows the whole run.
 */
export function followUp(summary: FanOutSummary): string[] {
  return [
    'The per-account work continues in the account-reconcile queue after this command returns (asynchronously).',
    "Follow it in the audit trail: CloudWatch Logs Insights over the control plane's log groups with",
    `  filter message = "audit" and audit.correlationId = "${summary.runId}"`,
    'and see where the organization stands with `npx egress status`.',
  ];
}

function hubActionsText(hubActions: FanOutSummary['hubActions']): string {
  const entries = Object.entries(hubActions).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? 'none' : entries.map(([action, count]) => `${action} ${count}`).join(', ');
}
