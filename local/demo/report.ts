/** Terminal output of the demo: narrated audit records. */
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
    print('    (the control plane made no decisions in this step)');
    return;
  }
  for (const record of records) {
    const scope = [record.scope.accountId, record.scope.vpcId, record.scope.endpointId].filter(Boolean).join(' ');
    const mark = DECISION_MARK[record.decision] ?? '?';
    const dry = record.dryRun ? ' [dry run]' : '';
    print(`    ${mark.padEnd(2)} ${record.action.padEnd(34)} ${record.decision.padEnd(8)} ${scope}${dry}: ${record.reason}`);
  }
}
