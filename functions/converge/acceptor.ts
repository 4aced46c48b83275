import { toError } from './bounded';

export interface BatchingAcceptorOptions {
  /** Ids per flush: one Accept call takes up to this many. */
  readonly batchSize: number;
  /** A partial batch waits at most this long, so the last few endpoints of a slow rollout are not held back. */
  readonly flushAfterMs: number;
  /** Re-reads the truth for these ids and accepts what deserves it; a failure leaves them for the final sweep. */
  readonly flush: (endpointIds: string[]) => Promise<void>;
  /** Told about a flush that failed as a whole (the final sweep still decides those ids). */
  readonly onFlushError: (error: Error, endpointIds: readonly string[]) => void;
}

/**
 * Collects endpoint ids as the account steps create them and flushes them in batches while the rollout goes on,
 * so acceptance overlaps creation instead of queuing behind it. One flush runs at a time and takes its ids when it
 * starts: while a paced Accept call waits for a token, newly created endpoints fill the next batch instead of
 * becoming many small calls. `drain` flushes the rest and waits for every flush to settle.
 */
export class BatchingAcceptor {
  private readonly queued: string[] = [];
  private readonly seen = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** Set once a partial batch may go (its interval passed, or the rollout is draining). */
  private partialDue = false;
  private running = false;
  private flushes: Promise<void> = Promise.resolve();

  constructor(private readonly options: BatchingAcceptorOptions) {}

  notify(endpointId: string): void {
    // A VPC converged twice (or an endpoint still pending from an earlier run) is queued once.
    if (this.seen.has(endpointId)) return;
    this.seen.add(endpointId);
    this.queued.push(endpointId);
    if (this.queued.length >= this.options.batchSize) this.kick();
    else this.armTimer();
  }

  async drain(): Promise<void> {
    this.partialDue = true;
    this.kick();
    await this.flushes;
  }

  private armTimer(): void {
    if (this.timer !== undefined || this.running) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.partialDue = true;
      this.kick();
    }, this.options.flushAfterMs);
    // A pending flush must not keep a finished process alive; `drain` flushes what is left.
    this.timer.unref();
  }

  private kick(): void {
    if (this.running) return;
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.running = true;
    this.flushes = this.flushWhileDue();
  }

  private async flushWhileDue(): Promise<void> {
    const { batchSize } = this.options;
    while (this.queued.length >= batchSize || (this.partialDue && this.queued.length > 0)) {
      const ids = this.queued.splice(0, batchSize);
      if (this.queued.length === 0) this.partialDue = false;
      try {
        await this.options.flush(ids);
      } catch (thrown) {
        this.options.onFlushError(toError(thrown), ids);
      }
    }
    this.running = false;
    if (this.queued.length > 0) this.armTimer();
  }
}
