/**
 * An SQS standard queue with its Lambda event source mapping: batches of up to `batchSize`, flushed when
 * full or when the batching window elapses; at most `maxConcurrency` batches in flight; a failed message
 * becomes visible again after the visibility timeout, and after `maxReceiveCount` receives it moves to
 * the dead-letter list with the last error. Partial batch responses are honoured as Lambda does
 * (ReportBatchItemFailures): only the listed items are retried; an unknown identifier fails the batch.
 * Order is not guaranteed (standard queue): with a random source, batches are drawn in random order.
 *
 * With `messageGroups` it is a FIFO queue: each message carries a group id, a message group with a message in
 * flight (or waiting out its visibility timeout after a failure) gives nothing more until that message is done,
 * so a group's batches run one after another in order while other groups run beside it; a batch takes as many
 * messages of one group as it can, then others' (as SQS's ReceiveMessage does); a deduplication id seen in its group
 * in the last five minutes is accepted and dropped (high-throughput FIFO deduplicates per group). Batches keep queue
 * order (the random source is not used). A FIFO batch holds at most 10 messages and takes no window, as Lambda asks.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { QueueDefinition } from '../../events/routes';
import type { SqsMessageAttributes } from '../cloud/api';
import { createLambdaContext } from './lambda-context';
import { toSqsRecord, type QueueAddress, type StoredMessage } from './sqs-shapes';
import type { Timers } from './timers';

export type SqsConsumer = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export type QueueSettings = Pick<
  QueueDefinition,
  'batchSize' | 'batchingWindowSeconds' | 'maxReceiveCount' | 'visibilityTimeoutSeconds' | 'functionTimeoutSeconds' | 'maxConcurrency' | 'messageGroups'
>;

/** What a FIFO queue's sender sets on each message. */
export interface FifoFields {
  readonly groupId: string;
  readonly deduplicationId: string;
}

/** SQS FIFO: a deduplication id is remembered for five minutes. */
const DEDUPLICATION_INTERVAL_SECONDS = 5 * 60;

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
  /** The attributes it was sent with (SendMessage's MessageAttributes), which SQS keeps when it dead-letters it. */
  messageAttributes?: SqsMessageAttributes;
  /**
   * A FIFO queue's dead letter, as its FIFO dead-letter queue holds it: same group; SQS replaces the deduplication id
   * with the message id (so two messages that shared one both fit) and gives it that queue's next sequence number.
   */
  fifo?: { groupId: string; deduplicationId: string; sequenceNumber: number };
}

export interface QueueStats {
  /** Messages sent to the queue. */
  sent: number;
  /** FIFO: messages accepted but dropped as duplicates of one sent within five minutes (counted in `sent`). */
  deduplicated: number;
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
  /** Failed messages waiting out their visibility timeout. */
  delayed: number;
  /** Messages sent with a DelaySeconds timer still running (SQS's ApproximateNumberOfMessagesDelayed). */
  timed: number;
  largestBatch: number;
}

export type QueueActivity =
  | { type: 'batch'; queue: string; size: number; receiveCounts: number[] }
  | { type: 'retry'; queue: string; messageId: string; receiveCount: number; reason: string }
  | { type: 'dead-letter'; queue: string; messageId: string; receiveCount: number; reason: string };

export interface QueueRuntime {
  timers: Timers;
  /**
   * Epoch ms on the clock the queue stamps time with (SentTimestamp, ApproximateFirstReceiveTimestamp, the Lambda
   * context's deadline, deadLetteredAt): the emulated clock, so they compare with the local cloud's timestamps.
   * @default Date.now
   */
  now?: () => number;
  /** When set, batches are drawn in random order, so nothing can depend on FIFO delivery. */
  random?: () => number;
  /** Called after every state change (the bus uses it to resolve idle()). */
  onChange(): void;
  onActivity(activity: QueueActivity): void;
  /** A bug in the engine itself: surfaced through idle(), never swallowed. */
  onInternalError(error: unknown): void;
}

/** Lambda's synchronous invocation payload limit: an SQS event source mapping cuts a batch short of it. */
export const MAX_INVOCATION_PAYLOAD_BYTES = 6 * 1024 * 1024;
/** `{"Records":[]}` */
const EMPTY_EVENT_BYTES = 14;

/** The bytes a message adds to the event: its record as the consumer gets it, and the comma between records. */
function recordBytes(message: StoredMessage, address: QueueAddress): number {
  return Buffer.byteLength(JSON.stringify(toSqsRecord(message, address)), 'utf8') + 1;
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
  /** Messages sent with a per-message timer, not yet visible. */
  private readonly pendingTimers = new Set<() => void>();
  private consumer: SqsConsumer | undefined;
  private functionName: string;
  private memoryMb = 256;
  private inFlightBatches = 0;
  private inFlightMessages = 0;
  private cancelWindow: (() => void) | undefined;
  private windowElapsed = false;
  private readonly counters = { sent: 0, deduplicated: 0, delivered: 0, invocations: 0, succeeded: 0, retried: 0, deadLettered: 0, largestBatch: 0 };
  /** FIFO: group and deduplication ids of the last five minutes. */
  private readonly recentDeduplicationIds = new Set<string>();
  /** FIFO: per group, its messages in flight or waiting out a visibility timeout; such a group gives nothing more. */
  private readonly heldGroups = new Map<string, number>();
  private nextSequenceNumber = 1;
  /** FIFO: the dead-letter queue numbers its messages itself. */
  private nextDeadLetterSequenceNumber = 1;

  constructor(
    readonly address: QueueAddress,
    readonly settings: QueueSettings,
    private readonly runtime: QueueRuntime,
  ) {
    if (settings.batchSize < 1 || settings.maxConcurrency < 1 || settings.maxReceiveCount < 1) {
      throw new Error(`queue ${address.name}: batchSize, maxConcurrency and maxReceiveCount must be at least 1`);
    }
    // What Lambda refuses for an event source mapping on a FIFO queue.
    if (settings.messageGroups !== undefined && (settings.batchSize > 10 || settings.batchingWindowSeconds > 0)) {
      throw new Error(`queue ${address.name} is FIFO: a batch holds at most 10 messages and takes no batching window`);
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

  get isFifo(): boolean {
    return this.settings.messageGroups !== undefined;
  }

  /**
   * `delaySeconds` is SQS's per-message timer (DelaySeconds, emulated seconds): the message is invisible to the
   * consumer until it runs out. A standard queue's only: SQS refuses it per message on a FIFO queue. `attributes` are
   * SendMessage's MessageAttributes (validated by whoever sends: the local cloud's SQS API); the consumer's record
   * carries them.
   */
  send(body: string, senderId: string, fifo?: FifoFields, delaySeconds = 0, attributes?: SqsMessageAttributes): string {
    if (delaySeconds > 0 && this.isFifo) throw new Error(`queue ${this.address.name} is FIFO: no per-message delay`);
    const messageId = randomUUID();
    this.counters.sent++;
    if (this.isFifo) {
      if (fifo === undefined) throw new Error(`queue ${this.address.name} is FIFO: a message needs a group and a deduplication id`);
      // High-throughput FIFO (the CDK app's setting): deduplication is per message group.
      const deduplicationKey = JSON.stringify([fifo.groupId, fifo.deduplicationId]);
      if (this.recentDeduplicationIds.has(deduplicationKey)) {
        this.counters.deduplicated++;
        this.runtime.onChange();
        return messageId;
      }
      this.rememberDeduplicationId(deduplicationKey);
    }
    const sequenced = fifo === undefined ? {} : { fifo: { ...fifo, sequenceNumber: this.nextSequenceNumber++ } };
    const withAttributes = attributes === undefined || Object.keys(attributes).length === 0 ? {} : { messageAttributes: { ...attributes } };
    const message: TrackedMessage = { messageId, body, senderId, sentTimestamp: this.now(), receiveCount: 0, errors: [], ...sequenced, ...withAttributes };
    if (delaySeconds > 0) {
      const cancel = this.runtime.timers.after(delaySeconds, () => {
        this.pendingTimers.delete(cancel);
        this.visible.push(message);
        this.pump();
        this.runtime.onChange();
      });
      this.pendingTimers.add(cancel);
      this.runtime.onChange();
      return messageId;
    }
    this.visible.push(message);
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
      timed: this.pendingTimers.size,
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
      // Back at the end of its FIFO queue, with that queue's next sequence number and the id the dead-letter queue gave it.
      if (message.fifo !== undefined) message.fifo = { groupId: message.fifo.groupId, deduplicationId: messageId, sequenceNumber: this.nextSequenceNumber++ };
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
    return this.visible.length === 0 && this.pendingRetries.size === 0 && this.pendingTimers.size === 0;
  }

  close(): void {
    this.cancelWindow?.();
    this.cancelWindow = undefined;
    for (const cancel of this.pendingRetries) cancel();
    this.pendingRetries.clear();
    for (const cancel of this.pendingTimers) cancel();
    this.pendingTimers.clear();
    for (const cancel of this.deduplicationTimers) cancel();
    this.deduplicationTimers.clear();
  }

  private readonly deduplicationTimers = new Set<() => void>();

  /** Whole milliseconds, as SQS stamps them: an emulated clock at a fractional time scale gives fractions. */
  private now(): number {
    return Math.floor((this.runtime.now ?? Date.now)());
  }

  private rememberDeduplicationId(id: string): void {
    this.recentDeduplicationIds.add(id);
    const forget = this.runtime.timers.after(DEDUPLICATION_INTERVAL_SECONDS, () => {
      this.deduplicationTimers.delete(forget);
      this.recentDeduplicationIds.delete(id);
    });
    this.deduplicationTimers.add(forget);
  }

  private pump(): void {
    const { batchSize, maxConcurrency, batchingWindowSeconds } = this.settings;
    while (this.consumer && this.inFlightBatches < maxConcurrency && this.visible.length > 0) {
      const ready = this.visible.length >= batchSize || this.windowElapsed || batchingWindowSeconds === 0;
      if (!ready) {
        this.startWindow();
        return;
      }
      const batch = this.take(batchSize);
      // A FIFO queue whose visible messages all belong to busy groups has nothing to give yet.
      if (batch.length === 0) break;
      this.windowElapsed = false;
      this.startBatch(batch, this.consumer);
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
    if (this.isFifo) return this.takeFromGroups(count);
    const random = this.runtime.random;
    const batch: TrackedMessage[] = [];
    let payloadBytes = EMPTY_EVENT_BYTES;
    while (batch.length < count && this.visible.length > 0) {
      const at = random ? Math.floor(random() * this.visible.length) : 0;
      const next = this.visible[at];
      if (next === undefined) break;
      // Lambda's 6 MB invocation payload caps the batch whatever its size setting; one record always goes.
      const bytes = recordBytes(next, this.address);
      if (batch.length > 0 && payloadBytes + bytes > MAX_INVOCATION_PAYLOAD_BYTES) break;
      payloadBytes += bytes;
      this.visible.splice(at, 1);
      batch.push(next);
    }
    return batch;
  }

  /** SQS FIFO: as many messages of the oldest free group as fit, then of the other free groups, each group in order. */
  private takeFromGroups(count: number): TrackedMessage[] {
    const free = (message: TrackedMessage) => !this.heldGroups.has(groupOf(message));
    const first = this.visible.find(free);
    if (first === undefined) return [];
    const firstGroup = groupOf(first);
    const sameGroup = this.visible.filter((message) => groupOf(message) === firstGroup);
    const others = this.visible.filter((message) => groupOf(message) !== firstGroup && free(message));
    const batch = [...sameGroup, ...others].slice(0, count);
    const taken = new Set(batch);
    this.visible.splice(0, this.visible.length, ...this.visible.filter((message) => !taken.has(message)));
    for (const message of batch) this.holdGroup(message, +1);
    return batch;
  }

  private holdGroup(message: TrackedMessage, change: 1 | -1): void {
    if (message.fifo === undefined) return;
    const held = (this.heldGroups.get(message.fifo.groupId) ?? 0) + change;
    if (held > 0) this.heldGroups.set(message.fifo.groupId, held);
    else this.heldGroups.delete(message.fifo.groupId);
  }

  /** A message back from a failure: a FIFO message returns to its place in its group, ahead of later ones. */
  private makeVisible(message: TrackedMessage): void {
    const sequence = message.fifo?.sequenceNumber;
    const at = sequence === undefined ? -1 : this.visible.findIndex((other) => (other.fifo?.sequenceNumber ?? 0) > sequence);
    if (at < 0) this.visible.push(message);
    else this.visible.splice(at, 0, message);
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
    const now = this.now();
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
    const context = createLambdaContext(
      {
        functionName: this.functionName,
        accountId: this.address.accountId,
        region: this.address.region,
        timeoutSeconds: this.settings.functionTimeoutSeconds,
        memoryMb: this.memoryMb,
      },
      () => this.now(),
    );
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
        this.holdGroup(message, -1);
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
        deadLetteredAt: new Date(this.now()).toISOString(),
        ...(message.messageAttributes === undefined ? {} : { messageAttributes: message.messageAttributes }),
        ...(message.fifo === undefined
          ? {}
          : { fifo: { groupId: message.fifo.groupId, deduplicationId: message.messageId, sequenceNumber: this.nextDeadLetterSequenceNumber++ } }),
      });
      this.runtime.onActivity({ type: 'dead-letter', queue: name, messageId: message.messageId, receiveCount: message.receiveCount, reason });
      this.holdGroup(message, -1);
      return;
    }
    this.counters.retried++;
    this.runtime.onActivity({ type: 'retry', queue: name, messageId: message.messageId, receiveCount: message.receiveCount, reason });
    // A FIFO group stays held while its failed message waits: the group's later messages must not overtake it.
    const cancel = this.runtime.timers.after(this.settings.visibilityTimeoutSeconds, () => {
      this.pendingRetries.delete(cancel);
      this.holdGroup(message, -1);
      this.makeVisible(message);
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

const groupOf = (message: TrackedMessage): string => message.fifo?.groupId ?? '';
