/**
 * The handlers log Powertools JSON lines to stdout/stderr, as in Lambda. Tests keep them off the terminal (jest
 * output stays readable) and read them instead: the audit trail is part of what the control plane promises.
 */

export interface AuditEntry {
  action: string;
  decision: string;
  reason: string;
  scope: { accountId: string; vpcId?: string; endpointId?: string };
  dryRun: boolean;
  correlationId: string;
  /** The account that put the triggering event(s) on the bus (EventBridge's `account`); absent for manual runs. */
  senderAccountId?: string;
  before?: unknown;
  after?: unknown;
}

/** One structured log line of a handler. */
export interface LogRecord {
  level: string;
  message: string;
  [key: string]: unknown;
}

export interface LogCapture {
  /** Every structured line seen so far (audit records, malformed-record reports, batch failures). */
  records(): readonly LogRecord[];
  /** Audit records matching every field given (scope fields compared one by one). */
  audits(match?: AuditMatch): AuditEntry[];
  restore(): void;
}

export interface AuditMatch {
  action?: string;
  decision?: string;
  accountId?: string;
  vpcId?: string;
  endpointId?: string;
  correlationId?: string;
  dryRun?: boolean;
}

export function captureHandlerLogs(): LogCapture {
  const records: LogRecord[] = [];
  const streams = [process.stdout, process.stderr];
  const originals = streams.map((stream) => stream.write);
  const pending = new Map<NodeJS.WriteStream, string>();

  streams.forEach((stream, index) => {
    const original = originals[index] as typeof stream.write;
    stream.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      const text = (pending.get(stream) ?? '') + (typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const lines = text.split('\n');
      pending.set(stream, lines.pop() ?? '');
      const passThrough = lines.filter((line) => {
        const record = parseRecord(line);
        if (record !== undefined) records.push(record);
        return record === undefined;
      });
      if (passThrough.length > 0) original.call(stream, `${passThrough.join('\n')}\n`);
      const callback = rest.find((arg) => typeof arg === 'function') as (() => void) | undefined;
      callback?.();
      return true;
    });
  });

  return {
    records: () => records,
    audits: (match = {}) =>
      records
        .map((record) => record.audit as AuditEntry | undefined)
        .filter((entry): entry is AuditEntry => entry !== undefined && matches(entry, match)),
    restore: () => {
      streams.forEach((stream, index) => {
        stream.write = originals[index] as typeof stream.write;
      });
    },
  };
}

function matches(entry: AuditEntry, match: AuditMatch): boolean {
  const fields: Record<string, unknown> = {
    action: entry.action,
    decision: entry.decision,
    accountId: entry.scope.accountId,
    vpcId: entry.scope.vpcId,
    endpointId: entry.scope.endpointId,
    correlationId: entry.correlationId,
    dryRun: entry.dryRun,
  };
  return Object.entries(match).every(([key, value]) => value === undefined || fields[key] === value);
}

function parseRecord(line: string): LogRecord | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (typeof parsed === 'object' && parsed !== null && 'level' in parsed && 'message' in parsed) return parsed as LogRecord;
  } catch {
    // Not a handler's JSON line: it goes to the terminal as it is.
  }
  return undefined;
}
