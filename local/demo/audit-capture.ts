/**
 * The handlers log JSON lines to stdout, as in Lambda. The demo keeps the raw lines in a file and turns the
 * audit records among them into readable narration.
 */
import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface CapturedAudit {
  action: string;
  decision: string;
  reason: string;
  scope: { accountId: string; vpcId?: string; endpointId?: string };
  dryRun: boolean;
  correlationId: string;
  functionName?: string;
}

export interface AuditCapture {
  /** Write to the terminal, past the capture. */
  print(line: string): void;
  /** Audit records seen since the last call. */
  drain(): CapturedAudit[];
  all(): readonly CapturedAudit[];
  restore(): void;
}

export function captureAuditRecords(rawLogPath: string): AuditCapture {
  mkdirSync(dirname(rawLogPath), { recursive: true });
  writeFileSync(rawLogPath, '');
  const seen: CapturedAudit[] = [];
  let cursor = 0;
  // Powertools writes INFO to stdout and WARN/ERROR to stderr, as Lambda's runtime expects.
  const streams = [process.stdout, process.stderr];
  const originalWrites = streams.map((stream) => stream.write.bind(stream));
  const originalWrite = (text: string) => originalWrites[0]?.(text);
  let pending = '';

  const consume = (text: string) => {
    pending += text;
    let newline = pending.indexOf('\n');
    while (newline >= 0) {
      const line = pending.slice(0, newline);
      pending = pending.slice(newline + 1);
      handleLine(line);
      newline = pending.indexOf('\n');
    }
  };

  const handleLine = (line: string) => {
    const record = parseLogLine(line);
    if (record === undefined) {
      originalWrite(`${line}\n`);
      return;
    }
    appendFileSync(rawLogPath, `${line}\n`);
    const auditRecord = record.audit as CapturedAudit | undefined;
    if (record.message === 'audit' && auditRecord) {
      seen.push({ ...auditRecord, ...(typeof record.function_name === 'string' ? { functionName: record.function_name } : {}) });
    }
  };

  for (const stream of streams) {
    const capture = (chunk: string | Uint8Array, ...rest: unknown[]): boolean => {
      consume(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      const callback = rest.find((arg): arg is () => void => typeof arg === 'function');
      callback?.();
      return true;
    };
    stream.write = capture;
  }

  return {
    print: (line) => {
      originalWrite(`${line}\n`);
    },
    drain: () => {
      const fresh = seen.slice(cursor);
      cursor = seen.length;
      return fresh;
    },
    all: () => seen,
    restore: () => {
      if (pending !== '') handleLine(pending);
      streams.forEach((stream, index) => {
        const original = originalWrites[index];
        if (original) stream.write = original;
      });
    },
  };
}

/** A structured log line of the handlers (Powertools JSON), or undefined for anything else. */
function parseLogLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(line);
    if (isLogRecord(parsed)) return parsed;
  } catch {
    // Not JSON: someone else's output; shown as it is.
  }
  return undefined;
}

function isLogRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && 'level' in value && 'message' in value;
}
