/**
 * SQS message move tasks (StartMessageMoveTask, ListMessageMoveTasks): a dead-letter queue's messages moved back
 * to the queue they came from, at most `MaxNumberOfMessagesPerSecond` per emulated second when given (else all at
 * once, SQS's "system optimized" rate). One active task per source queue, as in SQS.
 */
import { randomUUID } from 'node:crypto';
import type { Clock } from '../framework';
import type { DeadLetterQueue } from './queues';

export interface MoveTask {
  readonly TaskHandle: string;
  Status: 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';
  readonly SourceArn: string;
  readonly DestinationArn: string;
  readonly MaxNumberOfMessagesPerSecond?: number;
  ApproximateNumberOfMessagesMoved: number;
  readonly ApproximateNumberOfMessagesToMove: number;
  FailureReason?: string;
  /** Epoch milliseconds, as SQS sends it. */
  readonly StartedTimestamp: number;
}

/** SQS lists the most recent tasks of a source queue, at most 10. */
const TASKS_KEPT = 10;

export class MoveTasks {
  private readonly bySource = new Map<string, MoveTask[]>();

  constructor(private readonly clock: Clock) {}

  running(sourceArn: string): MoveTask | undefined {
    return this.bySource.get(sourceArn)?.find((task) => task.Status === 'RUNNING');
  }

  /** Newest first. */
  list(sourceArn: string): readonly MoveTask[] {
    return this.bySource.get(sourceArn) ?? [];
  }

  start(queue: DeadLetterQueue, ratePerSecond: number | undefined): MoveTask {
    const messageIds = queue.source.hosted.deadLetters().map((letter) => letter.messageId);
    const task: MoveTask = {
      TaskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: queue.arn })).toString('base64'),
      Status: 'RUNNING',
      SourceArn: queue.arn,
      DestinationArn: queue.source.arn,
      ...(ratePerSecond === undefined ? {} : { MaxNumberOfMessagesPerSecond: ratePerSecond }),
      ApproximateNumberOfMessagesMoved: 0,
      ApproximateNumberOfMessagesToMove: messageIds.length,
      StartedTimestamp: this.clock.now(),
    };
    this.bySource.set(queue.arn, [task, ...this.list(queue.arn)].slice(0, TASKS_KEPT));
    void this.run(task, queue, messageIds, ratePerSecond);
    return task;
  }

  private async run(task: MoveTask, queue: DeadLetterQueue, messageIds: readonly string[], ratePerSecond: number | undefined): Promise<void> {
    // Answered first, as SQS does: the task runs after StartMessageMoveTask has returned its handle.
    await this.clock.delay(0);
    const chunk = ratePerSecond ?? Math.max(1, messageIds.length);
    try {
      for (let start = 0; start < messageIds.length; start += chunk) {
        if (start > 0) await this.clock.delay(1000);
        task.ApproximateNumberOfMessagesMoved += queue.source.hosted.redrive(messageIds.slice(start, start + chunk));
      }
      task.Status = 'COMPLETED';
    } catch (error) {
      task.Status = 'FAILED';
      task.FailureReason = error instanceof Error ? error.message : String(error);
    }
  }
}
