import { SQSClient } from '@aws-sdk/client-sqs';
import { instrumentClient } from './aws-calls';
import type { Connection } from './connection';
import { listDeadLetterQueues, redrive, sampleDeadLetters, type DeadLetterQueue, type DeadLetterSample, type MoveTaskOutcome } from './dead-letter-queues';
import { readFailureReasons } from './dead-letter-reasons';
import { CliConfigurationError } from './configuration-error';
import { EXIT } from './errors';
import { emit, note, type CliIo } from './io';
import { renderTable, wrapText } from './table';

export interface DeadLettersOptions {
  readonly deploymentName: string;
  readonly samples: number;
  readonly logGroups: readonly string[];
  /** Only this queue (`vpc-onboarding`), else every one. */
  readonly queue?: string;
  readonly redrive: boolean;
}

export interface DeadLettersReport {
  readonly queues: (DeadLetterQueue & { readonly samples: (DeadLetterSample & { readonly reason?: string })[] })[];
  readonly reasons: string;
  readonly redriven?: MoveTaskOutcome[];
}

/** A body is shown cut to this length: enough to recognise the event, not a screenful. */
const BODY_SHOWN = 300;

/**
 * `egress dead-letters`: every dead-letter queue of the deployment with its count, a few messages of each with the
 * reason the handler logged, and with `--redrive` SQS's message move task back to the source queue. Exit 1 while
 * dead letters are waiting (0 once none are, or once a redrive has moved them).
 */
export async function runDeadLetters(connection: Connection, io: CliIo, options: DeadLettersOptions): Promise<number> {
  const sqs = new SQSClient({ region: connection.region });
  instrumentClient(sqs);
  try {
    const all = await listDeadLetterQueues(sqs, options.deploymentName);
    if (all.length === 0) {
      throw new CliConfigurationError(`no dead-letter queue named ${options.deploymentName}-*-dead-letters in ${connection.region}: check --deployment-name (or EGRESS_DEPLOYMENT_NAME), --region and the account`);
    }
    const queues = options.queue === undefined ? all : all.filter((q) => q.queue === options.queue);
    if (queues.length === 0) throw new CliConfigurationError(`no dead-letter queue for "${options.queue}": --queue is one of ${all.map((q) => q.queue).join(', ')}`);
    if (options.redrive) return await redriveQueues(sqs, io, queues);
    const sampled = await Promise.all(queues.map(async (queue) => ({ ...queue, samples: await sampleDeadLetters(sqs, queue, options.samples) })));
    const samples = sampled.flatMap((q) => q.samples);
    const reasons = await readFailureReasons({
      logGroups: options.logGroups,
      messageIds: samples.map((s) => s.messageId),
      since: Math.min(Date.now(), ...samples.map((s) => (s.sentAt === undefined ? Date.now() : Date.parse(s.sentAt)))),
      region: connection.region,
    });
    if (!reasons.available) note(io, `the handlers' reasons: n/a (${reasons.reason})`);
    const report: DeadLettersReport = {
      queues: sampled.map((q) => ({ ...q, samples: q.samples.map((s) => ({ ...s, ...withReason(reasons.available ? reasons.byMessageId.get(s.messageId) : undefined) })) })),
      reasons: reasons.available ? 'from the functions\u2019 log groups' : `n/a (${reasons.reason})`,
    };
    emit(io, report, () => renderDeadLetters(report, io.width));
    return report.queues.some((q) => q.messages > 0) ? EXIT.failed : EXIT.ok;
  } finally {
    sqs.destroy();
  }
}

const withReason = (reason: string | undefined) => (reason === undefined ? {} : { reason });

async function redriveQueues(sqs: SQSClient, io: CliIo, queues: readonly DeadLetterQueue[]): Promise<number> {
  const waiting = queues.filter((q) => q.messages > 0);
  if (waiting.length === 0) note(io, 'no dead letters to redrive');
  const redriven: MoveTaskOutcome[] = [];
  for (const queue of waiting) {
    io.stderr.write(`${queue.queue}: moving ${queue.messages} message(s) back to their queue...\n`);
    redriven.push(await redrive(sqs, queue));
  }
  emit(io, { redriven }, () => (redriven.length === 0 ? 'Nothing to redrive.' : redriven.map(redriveLine).join('\n')));
  return redriven.some((r) => r.status !== 'COMPLETED') ? EXIT.failed : EXIT.ok;
}

function redriveLine(outcome: MoveTaskOutcome): string {
  const of = outcome.toMove === undefined ? '' : ` of ${outcome.toMove}`;
  const failure = outcome.failureReason === undefined ? '' : `: ${outcome.failureReason}`;
  const still = outcome.status === 'RUNNING' ? ' (still moving: see `egress dead-letters` later)' : '';
  return `${outcome.queue}: ${outcome.status.toLowerCase()}, ${outcome.moved}${of} message(s) moved back${failure}${still}`;
}

/** A table of counts, then each queue's sampled messages with their reasons, then how to redrive. */
export function renderDeadLetters(report: DeadLettersReport, width?: number): string {
  const lines = [
    renderTable(
      [
        { header: 'QUEUE', value: (q: DeadLettersReport['queues'][number]) => q.queue },
        { header: 'DEAD LETTERS', value: (q) => String(q.messages) },
      ],
      report.queues,
      width,
    ),
  ];
  for (const queue of report.queues.filter((q) => q.samples.length > 0)) {
    lines.push('', `${queue.queue}: ${queue.samples.length} of ${queue.messages} shown`);
    for (const sample of queue.samples) {
      const received = sample.receiveCount === undefined ? '' : `, received ${sample.receiveCount} time(s)`;
      lines.push(`  message ${sample.messageId}${sample.sentAt === undefined ? '' : `, sent ${sample.sentAt}`}${received}`);
      lines.push(...wrapText(`reason: ${sample.reason ?? (report.reasons.startsWith('n/a') ? report.reasons : 'not in the log groups (an EventBridge delivery failure has none)')}`, width, '    '));
      const body = sample.body.length > BODY_SHOWN ? `${sample.body.slice(0, BODY_SHOWN)}… (${sample.body.length} characters)` : sample.body;
      lines.push(...wrapText(`body: ${body.replace(/\s+/g, ' ')}`, width, '    '));
    }
  }
  if (report.queues.some((q) => q.messages > 0)) {
    lines.push('', 'Once the cause is fixed: npx egress dead-letters --redrive [--queue <name>] moves them back to their queue.');
  }
  return lines.join('\n');
}
