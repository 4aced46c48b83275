/**
 * An SQS standard queue with its Lambda event source mapping: batches of up to `batchSize`, flushed when
 * full or when the batching window elapses; at most `maxConcurrency` batches in flight; a failed message
 * becomes visible again after the visibility timeout, and after `maxReceiveCount` receives it moves to
 * the dead-letter list with the last error. Partial batch responses are honoured as Lambda does
 * (ReportBatchItemFailures): only the listed items are retried; an unknown identifier fails the batch.
 * Order is not guaranteed (standard queue): with a random source, batches are drawn in random order.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueDefinition } from '../../events/routes';
import { createLambdaContext } from './lambda-context';
import { toSqsRecord, type QueueAddress, type StoredMessage } from './sqs-shapes';
import type { Timers } from './timers';

export type SqsConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export type QueueSettings = Pick<
  QueueDefinition,
  'batchSize' | 'batchingWindowSeconds' | 'maxReceiveCount' | 'visibilityTimeoutSeconds' | 'functionTimeoutSeconds' | 'maxConcurrency'
>;

export interface ConsumerOptions {
  /** @default `egress-<queue name>` */
  functionName?: string;
  /** @default 256 */
  memoryMb?: number;
}

export interface DeadLetter {
  queue: string;
  messageId: string;
  body: string;
  senderId: string;
  sentTimestamp: number;
  receiveCount: number;
  /** The error of the last attempt. */
  reason: string;
  /** One entry per failed attempt, oldest first. */
  errors: string[];
  deadLetteredAt: string;
}

export interface QueueStats {
  /** Messages sent to the queue. */
  sent: number;
  /** Messages handed to the consumer, counting redeliveries. */
  delivered: number;
  invocations: number;
  /** Messages deleted after a successful batch. */
  succeeded: number;
  /** Failed deliveries that will be redelivered. */
  retried: number;
  deadLettered: number;
  /** Current depth: waiting, in flight, waiting out the visibility timeout. */
  visible: number;
  inFlight: number;
  delayed: number;
  largestBatch: number;
}

export type QueueActivity =
  | { type: 'batch'; queue: string; size: number; receiveCounts: number[] }
  | { type: 'retry'; queue: string; messageId: string; receiveCount: number; reason: string }
  | { type: 'dead-letter'; queue: string; messageId: string; receiveCount: number; reason: string };

export interface QueueRuntime {
  timers: Timers;
  /** When set, batches are drawn in random order, so nothing can depend on FIFO delivery. */
  random?: () => number;
  /** Called after every state change (the bus uses it to resolve idle()). */
  onChange(): void;
  onActivity(activity: QueueActivity): void;
  /** A bug in the engine itself: surfaced through idle(), never swallowed. */
  onInternalError(error: unknown): void;
}

interface TrackedMessage extends StoredMessage {
  errors: string[];
}

export class LocalQueue {
  private readonly visible: TrackedMessage[] = [];
  private readonly deadLetterList: DeadLetter[] = [];
  /** The dead letters as they were tracked, so a redrive delivers the same message again. */
  private readonly deadMessages = new Map<string, TrackedMessage>();
  private readonly pendingRetries = new Set<() => void>();
  private consumer: SqsConsumer | undefined;
  private functionName: string;
  private memoryMb = 256;
  private inFlightBatches = 0;
  private inFlightMessages = 0;
  private cancelWindow: (() => void) | undefined;
  private windowElapsed = false;
  private readonly counters = { sent: 0, delivered: 0, invocations: 0, succeeded: 0, retried: 0, deadLettered: 0, largestBatch: 0 };

  constructor(
    readonly address: QueueAddress,
    readonly settings: QueueSettings,
    private readonly runtime: QueueRuntime,
  ) {
    if (settings.batchSize < 1 || settings.maxConcurrency < 1 || settings.maxReceiveCount < 1) {
      throw new Error(`queue ${address.name}: batchSize, maxConcurrency and maxReceiveCount must be at least 1`);
    }
    this.functionName = `egress-${address.name}`;
  }

  setConsumer(consumer: SqsConsumer, options: ConsumerOptions = {}): void {
    this.consumer = consumer;
    this.functionName = options.functionName ?? this.functionName;
    this.memoryMb = options.memoryMb ?? this.memoryMb;
    this.pump();
  }

  get hasConsumer(): boolean {
    return this.consumer !== undefined;
  }

  send(body: string, senderId: string): string {
    const messageId = randomUUID();
    this.visible.push({ messageId, body, senderId, sentTimestamp: Date.now(), receiveCount: 0, errors: [] });
    this.counters.sent++;
    this.pump();
    this.runtime.onChange();
    return messageId;
  }

  stats(): QueueStats {
    return {
      ...this.counters,
      visible: this.visible.length,
      inFlight: this.inFlightMessages,
      delayed: this.pendingRetries.size,
    };
  }

  deadLetters(): DeadLetter[] {
    return [...this.deadLetterList];
  }

  /** Removes one dead letter (SQS DeleteMessage on the dead-letter queue); false when it is not there. */
  deleteDeadLetter(messageId: string): boolean {
    const index = this.deadLetterList.findIndex((letter) => letter.messageId === messageId);
    if (index < 0) return false;
    this.deadLetterList.splice(index, 1);
    this.deadMessages.delete(messageId);
    this.runtime.onChange();
    return true;
  }

  /**
   * Moves dead letters back to the queue (SQS's message move task): each is delivered again with the same id and
   * body, its receive count started afresh, so it gets `maxReceiveCount` new attempts. Returns how many moved.
   */
  redrive(messageIds: readonly string[]): number {
    let moved = 0;
    for (const messageId of messageIds) {
      const message = this.deadMessages.get(messageId);
      if (message === undefined || !this.deleteDeadLetter(messageId)) continue;
      message.receiveCount = 0;
      message.errors = [];
      delete message.firstReceiveTimestamp;
      this.visible.push(message);
      moved++;
    }
    if (moved > 0) {
      this.pump();
      this.runtime.onChange();
    }
    return moved;
  }

  /** Nothing in flight and nothing that will be delivered (messages without a consumer wait forever). */
  isSettled(): boolean {
    if (this.inFlightBatches > 0) return false;
    if (!this.consumer) return true;
    return this.visible.length === 0 && this.pendingRetries.size === 0;
  }

  close(): void {
    this.cancelWindow?.();
    this.cancelWindow = undefined;
    for (const cancel of this.pendingRetries) cancel();
    this.pendingRetries.clear();
  }

  private pump(): void {
    const { batchSize, maxConcurrency, batchingWindowSeconds } = this.settings;
    while (this.consumer && this.inFlightBatches < maxConcurrency && this.visible.length > 0) {
      const ready = this.visible.length >= batchSize || this.windowElapsed || batchingWindowSeconds === 0;
      if (!ready) {
        this.startWindow();
        return;
      }
      this.windowElapsed = false;
      this.startBatch(this.take(batchSize), this.consumer);
    }
    if (this.visible.length === 0) {
      this.cancelWindow?.();
      this.cancelWindow = undefined;
    }
  }

  private startWindow(): void {
    if (this.cancelWindow) return;
    this.cancelWindow = this.runtime.timers.after(this.settings.batchingWindowSeconds, () => {
      this.cancelWindow = undefined;
      this.windowElapsed = true;
      this.pump();
      this.runtime.onChange();
    });
  }

  private take(count: number): TrackedMessage[] {
    const random = this.runtime.random;
    if (!random) return this.visible.splice(0, count);
    const batch: TrackedMessage[] = [];
    while (batch.length < count && this.visible.length > 0) {
      const [message] = this.visible.splice(Math.floor(random() * this.visible.length), 1);
      if (message) batch.push(message);
    }
    return batch;
  }

  private startBatch(batch: TrackedMessage[], consumer: SqsConsumer): void {
    this.inFlightBatches++;
    this.inFlightMessages += batch.length;
    this.invoke(batch, consumer)
      .catch((error: unknown) => this.runtime.onInternalError(error))
      .finally(() => {
        this.inFlightBatches--;
        this.inFlightMessages -= batch.length;
        this.pump();
        this.runtime.onChange();
      });
  }

  private async invoke(batch: TrackedMessage[], consumer: SqsConsumer): Promise<void> {
    const now = Date.now();
    for (const message of batch) {
      message.receiveCount++;
      message.firstReceiveTimestamp ??= now;
    }
    this.counters.invocations++;
    this.counters.delivered += batch.length;
    this.counters.largestBatch = Math.max(this.counters.largestBatch, batch.length);
    this.runtime.onActivity({
      type: 'batch',
      queue: this.address.name,
      size: batch.length,
      receiveCounts: batch.map((m) => m.receiveCount),
    });
    const event: SQSEvent = { Records: batch.map((message) => toSqsRecord(message, this.address)) };
    const context = createLambdaContext({
      functionName: this.functionName,
      accountId: this.address.accountId,
      region: this.address.region,
      timeoutSeconds: this.settings.functionTimeoutSeconds,
      memoryMb: this.memoryMb,
    });
    let failures: Map<string, string>;
    try {
      failures = failuresOf(await consumer(event, context), batch);
    } catch (error) {
      const reason = describeError(error);
      failures = new Map(batch.map((message) => [message.messageId, reason]));
    }
    for (const message of batch) {
      const reason = failures.get(message.messageId);
      if (reason === undefined) {
        this.counters.succeeded++;
      } else {
        this.fail(message, reason);
      }
    }
  }

  private fail(message: TrackedMessage, reason: string): void {
    message.errors.push(reason);
    const { name } = this.address;
    if (message.receiveCount >= this.settings.maxReceiveCount) {
      this.counters.deadLettered++;
      this.deadMessages.set(message.messageId, message);
      this.deadLetterList.push({
        queue: name,
        messageId: message.messageId,
        body: message.body,
        senderId: message.senderId,
        sentTimestamp: message.sentTimestamp,
        receiveCount: message.receiveCount,
        reason,
        errors: [...message.errors],
        deadLetteredAt: new Date().toISOString(),
      });
      this.runtime.onActivity({ type: 'dead-letter', queue: name, messageId: message.messageId, receiveCount: message.receiveCount, reason });
      return;
    }
    this.counters.retried++;
    this.runtime.onActivity({ type: 'retry', queue: name, messageId: message.messageId, receiveCount: message.receiveCount, reason });
    const cancel = this.runtime.timers.after(this.settings.visibilityTimeoutSeconds, () => {
      this.pendingRetries.delete(cancel);
      this.visible.push(message);
      this.pump();
      this.runtime.onChange();
    });
    this.pendingRetries.add(cancel);
  }
}

const LISTED = 'listed in batchItemFailures (the function logs the cause)';

/** Lambda's reading of a partial batch response: an unknown or empty identifier fails the whole batch. */
function failuresOf(response: SQSBatchResponse | void, batch: TrackedMessage[]): Map<string, string> {
  const failures = new Map<string, string>();
  if (!response || !Array.isArray(response.batchItemFailures)) return failures;
  const ids = new Set(batch.map((message) => message.messageId));
  for (const failure of response.batchItemFailures) {
    const id: unknown = failure?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) {
      const reason = `invalid partial batch response: itemIdentifier ${JSON.stringify(id)} is not in the batch, so the whole batch failed`;
      return new Map(batch.map((message) => [message.messageId, reason]));
    }
    failures.set(id, LISTED);
  }
  return failures;
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `non-Error thrown: ${JSON.stringify(error)}`;
}
