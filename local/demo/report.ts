/** Terminal output of the demo: narrated audit records and the final state table. */
import type { CapturedAudit } from './audit-capture';

const DECISION_MARK: Record<string, string> = {
  allow: '+',
  create: '+',
  accept: '+',
  update: '~',
  remove: '-',
  delete: '-',
  reject: 'x',
  noop: '=',
  warning: '!',
  error: '!!',
};

export function narrate(records: readonly CapturedAudit[], print: (line: string) => void): void {
  if (records.length === 0) {
    print('    (no decisions recorded)');
    return;
  }
  for (const record of records) {
    const scope = [record.scope.accountId, record.scope.vpcId, record.scope.endpointId].filter(Boolean).join(' ');
    const mark = DECISION_MARK[record.decision] ?? '?';
    const dry = record.dryRun ? ' [dry run]' : '';
    print(`    ${mark.padEnd(2)} ${record.action.padEnd(34)} ${record.decision.padEnd(8)} ${scope}${dry}: ${record.reason}`);
  }
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((header, column) => Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const rule = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
