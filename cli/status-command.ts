import { randomUUID } from 'node:crypto';
import { SQSClient } from '@aws-sdk/client-sqs';
import { readLastDecisions } from './audit-log';
import { instrumentClient } from './aws-calls';
import { listDeadLetterQueues } from './dead-letter-queues';
import { EXIT } from './errors';
import { emit, note, type CliIo } from './io';
import { buildCliRuntime, destroyRuntime } from './runtime';
import type { CliSettings } from './settings';
import { collectStatus, type StatusRow } from './status';
import { renderTable, type Column } from './table';

export interface StatusOptions {
  readonly accountIds?: readonly string[];
  /** The control plane functions' log groups, where the audit records are. */
  readonly logGroups: readonly string[];
  readonly auditHours: number;
  /** Prefixes the queues' names: the dead-letter counts are read by it. */
  readonly deploymentName: string;
}

/** Messages waiting in each dead-letter queue, or why they could not be counted. */
export type DeadLetterCounts = { readonly queue: string; readonly messages: number }[] | { readonly unavailable: string };

const yesNo = (value: boolean | undefined) => (value === undefined ? '-' : value ? 'yes' : 'no');

// On a narrow terminal the columns with a priority move under their row, lowest first (cli/table.ts).
export const STATUS_COLUMNS: Column<StatusRow>[] = [
  { header: 'ACCOUNT', value: (r) => r.accountId },
  { header: 'SCOPE', value: (r) => (r.inScope ? 'in' : 'out'), priority: 5 },
  { header: 'PRINCIPAL', value: (r) => (r.allowedPrincipal ? 'allowed' : '-'), priority: 3 },
  { header: 'VPC', value: (r) => r.vpcId ?? '-' },
  { header: 'TAGGED', value: (r) => yesNo(r.tagged), priority: 4 },
  { header: 'ENDPOINT', value: (r) => r.endpointId ?? '-' },
  { header: 'CONNECTION', value: (r) => r.connectionState ?? '-' },
  { header: 'POLICIES', value: (r) => policiesCell(r), priority: 2 },
  { header: 'LAST AUDIT', value: (r) => r.lastDecision, priority: 1 },
  { header: 'NOTE', value: noteOf, wrap: true },
];

/** What an operator must read first: the account could not be read, the VPC cannot get its endpoint, its policies. */
function noteOf(row: StatusRow): string {
  if (row.error !== undefined) return row.error;
  if (!row.inScope) return row.scopeReason;
  return [row.missingEndpoint?.reason, ...(row.policies?.problems ?? [])].filter((part) => part !== undefined).join('; ');
}

/** `baseline` plus the named policies in force; `baseline!` when the VPC's choice was refused (the note says why). */
function policiesCell(row: StatusRow): string {
  if (row.policies === undefined) return row.tagged === true ? 'n/a' : '-';
  if (row.policies.problems.length > 0) return 'baseline!';
  return ['baseline', ...row.policies.names].join('+');
}

/** `egress status`: one row per account and VPC. Exit 1 when some account could not be read or a tagged VPC cannot get its endpoint. */
export async function runStatus(settings: CliSettings, io: CliIo, options: StatusOptions): Promise<{ exitCode: number; rows: StatusRow[] }> {
  const runtime = buildCliRuntime(settings);
  try {
    const lastDecisions = await readLastDecisions({
      logGroups: options.logGroups,
      hours: options.auditHours,
      region: settings.region,
      maxAttempts: settings.config.maxAttempts,
    });
    const report = await collectStatus(runtime, {
      lastDecisions,
      correlationId: `egress-cli-status-${randomUUID()}`,
      ...(options.accountIds === undefined ? {} : { accountIds: options.accountIds }),
    });
    const deadLetters = await countDeadLetters(settings.region, options.deploymentName);
    for (const message of report.notes) note(io, message);
    const table = report.rows.length === 0 ? 'No accounts in the organization.' : renderTable(STATUS_COLUMNS, report.rows, io.width);
    emit(io, { ...report, deadLetters }, () => `${table}\n\n${deadLettersLine(deadLetters)}`);
    const broken = report.rows.some((r) => r.error !== undefined || r.missingEndpoint?.blocked === true);
    return { exitCode: broken ? EXIT.failed : EXIT.ok, rows: report.rows };
  } finally {
    destroyRuntime(runtime);
  }
}

/** Best effort, like the audit column: a status without SQS permissions still shows the organization. */
async function countDeadLetters(region: string, deploymentName: string): Promise<DeadLetterCounts> {
  const sqs = new SQSClient({ region });
  instrumentClient(sqs);
  try {
    return (await listDeadLetterQueues(sqs, deploymentName)).map((q) => ({ queue: q.queue, messages: q.messages }));
  } catch (error) {
    return { unavailable: error instanceof Error ? `${error.name}: ${error.message}` : String(error) };
  } finally {
    sqs.destroy();
  }
}

function deadLettersLine(counts: DeadLetterCounts): string {
  if ('unavailable' in counts) return `Dead letters: n/a (${counts.unavailable})`;
  if (counts.length === 0) return 'Dead letters: n/a (no dead-letter queue of this deployment name: see --deployment-name)';
  const waiting = counts.filter((c) => c.messages > 0);
  if (waiting.length === 0) return 'Dead letters: none';
  return `Dead letters: ${waiting.map((c) => `${c.queue} ${c.messages}`).join(', ')} (npx egress dead-letters shows why)`;
}
