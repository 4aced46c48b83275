import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { instrumentClient } from './aws-calls';

/** Why each message failed, in the words the handler logged, or why that cannot be read. */
export type FailureReasons = { readonly available: true; readonly byMessageId: Map<string, string> } | { readonly available: false; readonly reason: string };

/**
 * The handlers log every record they fail (functions/shared/sqs-batch.ts): `malformed record` with the parse error,
 * `record failed` with the error, each with the SQS message id. Those lines are read back from the functions' log
 * groups for the sampled dead letters, newest line per message; EventBridge delivery failures have none.
 */
export async function readFailureReasons(options: {
  readonly logGroups: readonly string[];
  readonly messageIds: readonly string[];
  /** No line about these messages can be older than the oldest of them. */
  readonly since: number;
  readonly region: string;
}): Promise<FailureReasons> {
  if (options.logGroups.length === 0) return { available: false, reason: 'no --log-groups (or EGRESS_AUDIT_LOG_GROUPS) given' };
  const byMessageId = new Map<string, string>();
  if (options.messageIds.length === 0) return { available: true, byMessageId };
  const logs = new CloudWatchLogsClient({ region: options.region });
  instrumentClient(logs);
  const filterPattern = `{ ${options.messageIds.map((id) => `$.messageId = "${id}"`).join(' || ')} }`;
  const newest = new Map<string, number>();
  try {
    for (const logGroupName of options.logGroups) {
      let nextToken: string | undefined;
      do {
        const page = await logs.send(new FilterLogEventsCommand({ logGroupName, filterPattern, startTime: options.since, nextToken }));
        for (const event of page.events ?? []) {
          const line = failureLine(event.message);
          if (line === undefined) continue;
          // A malformed record is logged twice (the parse error, then the failure it caused): the parse error says more.
          const at = (event.timestamp ?? 0) + (line.reason.startsWith('malformed record') ? 1 : 0);
          if ((newest.get(line.messageId) ?? -1) > at) continue;
          newest.set(line.messageId, at);
          byMessageId.set(line.messageId, line.reason);
        }
        nextToken = page.nextToken;
      } while (nextToken !== undefined);
    }
    return { available: true, byMessageId };
  } catch (error) {
    const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    return { available: false, reason: `CloudWatch Logs not readable (${reason})` };
  } finally {
    logs.destroy();
  }
}

function failureLine(message: string | undefined): { messageId: string; reason: string } | undefined {
  if (message === undefined) return undefined;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(message.slice(message.indexOf('{'))) as Record<string, unknown>;
  } catch {
    // A platform line (START/END/REPORT), not one of the handler's.
    return undefined;
  }
  const { messageId } = parsed;
  if (typeof messageId !== 'string') return undefined;
  if (parsed.message === 'malformed record' && typeof parsed.reason === 'string') return { messageId, reason: `malformed record: ${parsed.reason}` };
  if (parsed.message === 'record failed' && typeof parsed.error === 'string') {
    return { messageId, reason: `${typeof parsed.errorName === 'string' ? `${parsed.errorName}: ` : ''}${parsed.error}` };
  }
  return undefined;
}
