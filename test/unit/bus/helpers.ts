/** Fake consumers and event helpers for the local bus tests. */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { CloudEvent } from '../../../local/cloud/api';
import { sample, type SampleName } from '../../../events/samples';
import { LocalEventBus, type LocalEventBusOptions } from '../../../local/bus';

/** Windows, visibility timeouts and schedules shrink by a million: seconds become microseconds. */
export function fastBus(options: LocalEventBusOptions = {}): LocalEventBus {
  return new LocalEventBus({ timeScale: 1_000_000, ...options });
}

export function cloudEvent(name: SampleName, overrides: Partial<CloudEvent> = {}): CloudEvent {
  return { ...(sample(name) as CloudEvent), ...overrides };
}

let counter = 0;
/** A distinct copy of a sample (a new event id), as separate real events would be. */
export function distinctEvent(name: SampleName, overrides: Partial<CloudEvent> = {}): CloudEvent {
  counter++;
  return cloudEvent(name, { id: `00000000-0000-4000-8000-${counter.toString().padStart(12, '0')}`, ...overrides });
}

export interface Recorder {
  batches: SQSRecord[][];
  /** Deliveries per message id. */
  deliveries: Map<string, number>;
  consumer(event: SQSEvent): Promise<SQSBatchResponse | void>;
}

/** Records every batch; `decide` returns the ids to report as failed (or throws to fail the batch). */
export function recorder(decide: (records: SQSRecord[]) => string[] | void = () => undefined): Recorder {
  const batches: SQSRecord[][] = [];
  const deliveries = new Map<string, number>();
  return {
    batches,
    deliveries,
    consumer(event) {
      batches.push(event.Records);
      for (const record of event.Records) deliveries.set(record.messageId, (deliveries.get(record.messageId) ?? 0) + 1);
      // Resolve on a later turn, as a real handler awaiting I/O would.
      return new Promise((resolve, reject) => {
        setImmediate(() => {
          try {
            const failed = decide(event.Records);
            resolve(failed ? { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) } : undefined);
          } catch (error) {
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        });
      });
    },
  };
}

export function bodies(records: SQSRecord[]): unknown[] {
  return records.map((record) => JSON.parse(record.body) as unknown);
}

/** Timers that fire only when the test says so: proves what happens before a window elapses. */
export class ManualTimers {
  private pending = new Map<number, { seconds: number; callback: () => void }>();
  private nextHandle = 0;

  after(seconds: number, callback: () => void): () => void {
    const handle = this.nextHandle++;
    this.pending.set(handle, { seconds, callback });
    return () => this.pending.delete(handle);
  }

  every(seconds: number, callback: () => void): () => void {
    return this.after(seconds, callback);
  }

  /** The delays (in AWS seconds) of the timers now pending. */
  pendingDelays(): number[] {
    return [...this.pending.values()].map((timer) => timer.seconds);
  }

  fireAll(): void {
    const due = [...this.pending.values()];
    this.pending.clear();
    for (const timer of due) timer.callback();
  }
}
