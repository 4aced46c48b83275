import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { instrumentClient } from './aws-calls';

/** The newest audit decision about one account or VPC, read back from the functions' CloudWatch log groups. */
export interface LastDecision {
  readonly decision: string;
  readonly action: string;
  readonly reason: string;
  readonly timestamp: number;
}

export type LastDecisions = { readonly available: true; readonly byScope: Map<string, LastDecision> } | { readonly available: false; readonly reason: string };

export const scopeKey = (accountId: string, vpcId?: string) => (vpcId === undefined ? accountId : `${accountId}/${vpcId}`);

/** Bounds the read on a busy organization: the newest decisions are what status shows. */
const MAX_PAGES_PER_GROUP = 20;

/**
 * Reads the `audit` records (see functions/shared/audit.ts) of the last `hours` from each log group. Logs is
 * optional for status: when it cannot be read (no log groups given, no permission, the local cloud, which does not
 * emulate Logs) the answer says why and status shows "n/a" instead of failing.
 */
export async function readLastDecisions(options: { logGroups: readonly string[]; hours: number; region: string; maxAttempts: number }): Promise<LastDecisions> {
  if (options.logGroups.length === 0) return { available: false, reason: 'no --log-groups (or EGRESS_AUDIT_LOG_GROUPS) given' };
  const logs = new CloudWatchLogsClient({ region: options.region, maxAttempts: options.maxAttempts });
  instrumentClient(logs);
  const byScope = new Map<string, LastDecision>();
  try {
    for (const logGroupName of options.logGroups) {
      let nextToken: string | undefined;
      for (let page = 0; page < MAX_PAGES_PER_GROUP; page++) {
        const answer = await logs.send(
          new FilterLogEventsCommand({
            logGroupName,
            filterPattern: '{ $.message = "audit" && $.audit.dryRun IS FALSE }',
            startTime: Date.now() - options.hours * 3_600_000,
            nextToken,
          }),
        );
        for (const event of answer.events ?? []) collect(byScope, event.message, event.timestamp);
        nextToken = answer.nextToken;
        if (nextToken === undefined) break;
      }
    }
    return { available: true, byScope };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { available: false, reason: `CloudWatch Logs not readable (${reason})` };
  } finally {
    logs.destroy();
  }
}

/** Keeps the newest record per account and per VPC; lines that are not audit JSON are skipped (other log output). */
export function collect(byScope: Map<string, LastDecision>, message: string | undefined, timestamp: number | undefined): void {
  const record = parseAudit(message);
  if (record === undefined) return;
  const at = timestamp ?? 0;
  const entry = { decision: record.decision, action: record.action, reason: record.reason, timestamp: at };
  const key = scopeKey(record.accountId, record.vpcId);
  const known = byScope.get(key);
  if (known === undefined || known.timestamp <= at) byScope.set(key, entry);
}

function parseAudit(message: string | undefined) {
  if (message === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(message.slice(message.indexOf('{')));
  } catch {
    // Not JSON: a platform line (START/END/REPORT) in the same log group, not an audit record.
    return undefined;
  }
  const audit = (parsed as { audit?: { action?: unknown; decision?: unknown; reason?: unknown; scope?: { accountId?: unknown; vpcId?: unknown } } }).audit;
  if (typeof audit?.decision !== 'string' || typeof audit.scope?.accountId !== 'string') return undefined;
  return {
    decision: audit.decision,
    action: typeof audit.action === 'string' ? audit.action : '',
    reason: typeof audit.reason === 'string' ? audit.reason : '',
    accountId: audit.scope.accountId,
    vpcId: typeof audit.scope.vpcId === 'string' ? audit.scope.vpcId : undefined,
  };
}
