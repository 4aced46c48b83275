/**
 * SQS over its JSON protocol (awsJson1_0, X-Amz-Target `AmazonSQS.<Action>`): the calls an operator makes about the
 * control plane's queues. The queues are hosted by the embedder (LocalCloud.setQueues: the local bus's hub queues,
 * consumed by the handlers as Lambda's event source mapping would); each is served with its dead-letter queue.
 *
 * GetQueueUrl, ListQueues, GetQueueAttributes and ListDeadLetterSourceQueues on both; ReceiveMessage and
 * DeleteMessage on dead-letter queues (a hosted queue's consumer is the bus, which a second receiver would starve);
 * SendMessage onto a hosted standard queue, with the per-message DelaySeconds timer run in emulated time (the
 * acceptance function returns the notifications it defers to its own queue so) and message attributes, which the
 * consumer's record carries and a dead-letter queue's ReceiveMessage returns when MessageAttributeNames asks;
 * StartMessageMoveTask and ListMessageMoveTasks to redrive a dead-letter queue into its source queue. A FIFO queue
 * (the grouped VPC onboarding queue) and its dead-letter queue say so in their attributes; a FIFO dead-letter queue's
 * messages carry their group, deduplication id and sequence number, and a group with a message being read (not yet
 * visible again) gives no other message of that group, as in SQS.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { HostedDeadLetter, HostedQueueDefinition } from '../api';
import type { CallContext, RawRequest, RawResponse, ServiceModule } from '../framework';
import { jsonBody, optionalNumber, optionalString, optionalStringList, targetAction, type JsonObject } from '../core/json-protocol';
import type { LocalWorld } from '../core/world';
import { md5OfMessageAttributes } from '../../bus/sqs-shapes';
import { forbiddenCharacter } from './contents';
import { sqsErrorResponse, sqsErrors } from './errors';
import { jsonMessageAttributes, parseMessageAttributes, selectMessageAttributes } from './message-attributes';
import { MoveTasks } from './move-tasks';
import { buildQueues, parseQueueUrl, queueUrlOf, type DeadLetterQueue, type ServedQueue } from './queues';

export interface SqsServiceModule extends ServiceModule {
  setQueues(queues: Readonly<Record<string, HostedQueueDefinition>> | undefined): void;
}

/** SQS's default for a queue created without one (the CDK's dead-letter queues set none). */
const DEFAULT_VISIBILITY_TIMEOUT_SECONDS = 30;
const ATTRIBUTE_NAMES = [
  'QueueArn',
  'ApproximateNumberOfMessages',
  'ApproximateNumberOfMessagesNotVisible',
  'ApproximateNumberOfMessagesDelayed',
  'VisibilityTimeout',
  'RedrivePolicy',
  'RedriveAllowPolicy',
  'FifoQueue',
  'ContentBasedDeduplication',
  'DeduplicationScope',
  'FifoThroughputLimit',
] as const;

/** SendMessage's limits: the per-message timer (15 minutes) and the body, 1 MiB since August 2025 (256 KiB before). */
const MAX_DELAY_SECONDS = 900;
const MAX_MESSAGE_BYTES = 1_048_576;

/**
 * What SQS reports as a message's SenderId: the account id for a root caller, `<role id>:<session>` for an
 * assumed-role session. IAM's unique role ids are not modelled: a stable stand-in is derived from the role's ARN.
 */
function senderIdOf(ctx: CallContext): string {
  const session = /^arn:[\w-]+:sts::(\d{12}):assumed-role\/([^/]+)\/(.+)$/.exec(ctx.callerArn);
  if (session === null) return ctx.accountId;
  const roleId = `AROA${createHash('sha256').update(`${session[1] ?? ''}:${session[2] ?? ''}`).digest('hex').slice(0, 17).toUpperCase()}`;
  return `${roleId}:${session[3] ?? ''}`;
}

/**
 * The message attributes ReceiveMessage's MessageAttributeNames ask for, with their digest: computed over those
 * returned, which is what an SDK that checks it (Java's, Ruby's) computes on its side.
 */
function messageAttributesOf(letter: HostedDeadLetter, wanted: readonly string[]): object {
  const shown = selectMessageAttributes(letter.messageAttributes ?? {}, wanted);
  if (Object.keys(shown).length === 0) return {};
  return { MessageAttributes: jsonMessageAttributes(shown), MD5OfMessageAttributes: md5OfMessageAttributes(shown) };
}

interface Receipt {
  readonly queueArn: string;
  readonly messageId: string;
}

const isFifo = (queue: ServedQueue) => (queue.kind === 'source' ? queue.hosted : queue.source.hosted).fifo === true;

export function createSqsService(world: LocalWorld): SqsServiceModule {
  let queues: ServedQueue[] = [];
  const moveTasks = new MoveTasks(world.clock);
  // Dead-letter queue reads: when each message is visible again, how often it was read there, and receipts issued.
  const invisibleUntil = new Map<string, number>();
  const deadLetterReceives = new Map<string, number>();
  const receipts = new Map<string, Receipt>();

  const respond = (body: unknown, ctx: CallContext): RawResponse => ({
    status: 200,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amzn-requestid': ctx.requestId },
    body: JSON.stringify(body),
  });
  const hostOf = (req: RawRequest) => String(req.headers.host ?? '127.0.0.1');
  const visibleTo = (queue: ServedQueue, ctx: CallContext) => queue.accountId === ctx.accountId && queue.region === ctx.region;

  function byUrl(body: JsonObject, ctx: CallContext): ServedQueue {
    const url = optionalString(body, 'QueueUrl');
    if (url === undefined) throw sqsErrors.invalidParameter('Value for parameter QueueUrl is invalid. Reason: Must specify a queue URL.');
    const address = parseQueueUrl(url);
    const queue = address && queues.find((q) => q.accountId === address.accountId && q.name === address.name);
    if (queue === undefined || !visibleTo(queue, ctx)) throw sqsErrors.noQueue();
    return queue;
  }

  function deadLetterQueueByArn(arn: string | undefined, ctx: CallContext): DeadLetterQueue {
    const queue = queues.find((q) => q.arn === arn);
    if (queue === undefined || !visibleTo(queue, ctx)) throw sqsErrors.noSource();
    if (queue.kind !== 'dead-letter') throw sqsErrors.unsupported('Source queue must be configured as a Dead Letter Queue.');
    return queue;
  }

  function attributes(queue: ServedQueue, names: readonly string[]): Record<string, string> {
    const wanted = names.includes('All') ? [...ATTRIBUTE_NAMES] : names;
    const unknown = wanted.find((name) => !(ATTRIBUTE_NAMES as readonly string[]).includes(name));
    if (unknown !== undefined) throw sqsErrors.invalidAttribute(unknown);
    const depth = queue.kind === 'source' ? queue.hosted.depth() : deadLetterDepth(queue);
    const fifo = isFifo(queue);
    // The CDK app makes the grouped queue high-throughput FIFO (per message group); its dead-letter queue keeps SQS's defaults.
    const perGroup = fifo && queue.kind === 'source';
    const values: Record<(typeof ATTRIBUTE_NAMES)[number], string | undefined> = {
      QueueArn: queue.arn,
      ApproximateNumberOfMessages: String(depth.visible),
      ApproximateNumberOfMessagesNotVisible: String(depth.notVisible),
      ApproximateNumberOfMessagesDelayed: String(queue.kind === 'source' ? (queue.hosted.depth().delayed ?? 0) : 0),
      VisibilityTimeout: String(DEFAULT_VISIBILITY_TIMEOUT_SECONDS),
      RedrivePolicy:
        queue.kind === 'source' ? JSON.stringify({ deadLetterTargetArn: queue.deadLetterQueue.arn, maxReceiveCount: queue.hosted.maxReceiveCount }) : undefined,
      RedriveAllowPolicy: queue.kind === 'dead-letter' ? JSON.stringify({ redrivePermission: 'allowAll' }) : undefined,
      FifoQueue: fifo ? 'true' : undefined,
      ContentBasedDeduplication: fifo ? 'false' : undefined,
      DeduplicationScope: fifo ? (perGroup ? 'messageGroup' : 'queue') : undefined,
      FifoThroughputLimit: fifo ? (perGroup ? 'perMessageGroupId' : 'perQueue') : undefined,
    };
    return Object.fromEntries(wanted.flatMap((name) => {
      const value = values[name as (typeof ATTRIBUTE_NAMES)[number]];
      return value === undefined ? [] : [[name, value]];
    }));
  }

  function deadLetterDepth(queue: DeadLetterQueue): { visible: number; notVisible: number } {
    const now = world.clock.now();
    const letters = queue.source.hosted.deadLetters();
    const hidden = letters.filter((letter) => (invisibleUntil.get(letter.messageId) ?? 0) > now).length;
    return { visible: letters.length - hidden, notVisible: hidden };
  }

  function receive(queue: ServedQueue, body: JsonObject): unknown {
    if (queue.kind !== 'dead-letter') {
      throw sqsErrors.unsupported(`${queue.name} is consumed by the local event bus (Lambda's event source mapping): read its dead-letter queue ${queue.deadLetterQueue.name} instead.`);
    }
    const max = optionalNumber(body, 'MaxNumberOfMessages') ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) {
      throw sqsErrors.invalidParameter(`Value ${max} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`);
    }
    const visibility = optionalNumber(body, 'VisibilityTimeout') ?? DEFAULT_VISIBILITY_TIMEOUT_SECONDS;
    if (!Number.isInteger(visibility) || visibility < 0 || visibility > 43_200) {
      throw sqsErrors.invalidParameter(`Value ${visibility} for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.`);
    }
    const wantedAttributes = [...(optionalStringList(body, 'AttributeNames') ?? []), ...(optionalStringList(body, 'MessageSystemAttributeNames') ?? [])];
    const wantedMessageAttributes = optionalStringList(body, 'MessageAttributeNames') ?? [];
    const now = world.clock.now();
    const letters = queue.source.hosted.deadLetters();
    const hidden = (letter: HostedDeadLetter) => (invisibleUntil.get(letter.messageId) ?? 0) > now;
    // FIFO: while one message of a group is being read, the group gives nothing more.
    const busyGroups = new Set(letters.filter(hidden).flatMap((letter) => (letter.fifo === undefined ? [] : [letter.fifo.groupId])));
    const ready = letters.filter((letter) => !hidden(letter) && !(letter.fifo !== undefined && busyGroups.has(letter.fifo.groupId))).slice(0, max);
    const messages = ready.map((letter) => {
      invisibleUntil.set(letter.messageId, now + visibility * 1000);
      const reads = (deadLetterReceives.get(letter.messageId) ?? 0) + 1;
      deadLetterReceives.set(letter.messageId, reads);
      const receiptHandle = randomBytes(64).toString('base64');
      receipts.set(receiptHandle, { queueArn: queue.arn, messageId: letter.messageId });
      const system: Record<string, string> = {
        // The count carries over from the source queue, as SQS keeps it when a message moves to its dead-letter queue.
        ApproximateReceiveCount: String(letter.receiveCount + reads),
        SentTimestamp: String(letter.sentTimestamp),
        SenderId: letter.senderId,
        DeadLetterQueueSourceArn: queue.source.arn,
        ...(letter.fifo === undefined
          ? {}
          : {
              MessageGroupId: letter.fifo.groupId,
              MessageDeduplicationId: letter.fifo.deduplicationId,
              SequenceNumber: String(letter.fifo.sequenceNumber).padStart(20, '0'),
            }),
      };
      const shown = wantedAttributes.includes('All') ? system : Object.fromEntries(Object.entries(system).filter(([name]) => wantedAttributes.includes(name)));
      return {
        MessageId: letter.messageId,
        ReceiptHandle: receiptHandle,
        MD5OfBody: createHash('md5').update(letter.body).digest('hex'),
        Body: letter.body,
        ...(Object.keys(shown).length === 0 ? {} : { Attributes: shown }),
        ...messageAttributesOf(letter, wantedMessageAttributes),
      };
    });
    return messages.length === 0 ? {} : { Messages: messages };
  }

  function sendMessage(queue: ServedQueue, body: JsonObject, ctx: CallContext): unknown {
    const messageBody = optionalString(body, 'MessageBody');
    if (messageBody === undefined || messageBody === '') throw sqsErrors.missingParameter('MessageBody');
    const delay = optionalNumber(body, 'DelaySeconds') ?? 0;
    if (!Number.isInteger(delay) || delay < 0 || delay > MAX_DELAY_SECONDS) {
      throw sqsErrors.invalidParameter(`Value ${delay} for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= ${MAX_DELAY_SECONDS}.`);
    }
    if (body.MessageSystemAttributes !== undefined) {
      throw sqsErrors.unsupported('Message system attributes (AWSTraceHeader) are not emulated by the local cloud: send the body and message attributes only.');
    }
    const { attributes, bytes: attributeBytes } = parseMessageAttributes(body.MessageAttributes);
    // Every part of an attribute (name, type, value) counts toward the size limit with the body.
    const bytes = Buffer.byteLength(messageBody, 'utf8') + attributeBytes;
    if (bytes > MAX_MESSAGE_BYTES) throw sqsErrors.invalidParameter(`One or more parameters are invalid. Reason: Message must be shorter than ${MAX_MESSAGE_BYTES} bytes.`);
    const forbidden = forbiddenCharacter(messageBody);
    if (forbidden !== undefined) throw sqsErrors.invalidContents(forbidden);
    if (queue.kind === 'dead-letter' || isFifo(queue)) {
      throw sqsErrors.unsupported(`The local cloud sends only to standard queues the local event bus consumes; ${queue.name} is not one.`);
    }
    const messageId = queue.hosted.send(messageBody, senderIdOf(ctx), delay, attributes);
    return {
      MessageId: messageId,
      MD5OfMessageBody: createHash('md5').update(messageBody).digest('hex'),
      // SQS answers with this digest only for a message that has attributes.
      ...(Object.keys(attributes).length === 0 ? {} : { MD5OfMessageAttributes: md5OfMessageAttributes(attributes) }),
    };
  }

  function deleteMessage(queue: ServedQueue, body: JsonObject): unknown {
    const handle = optionalString(body, 'ReceiptHandle') ?? '';
    const receipt = receipts.get(handle);
    if (receipt === undefined || receipt.queueArn !== queue.arn || queue.kind !== 'dead-letter') throw sqsErrors.badReceiptHandle(handle);
    // Deleting a message that is gone already succeeds, as in SQS.
    queue.source.hosted.deleteDeadLetter(receipt.messageId);
    receipts.delete(handle);
    return {};
  }

  function startMoveTask(body: JsonObject, ctx: CallContext): unknown {
    const queue = deadLetterQueueByArn(optionalString(body, 'SourceArn'), ctx);
    const destination = optionalString(body, 'DestinationArn');
    if (destination !== undefined && destination !== queue.source.arn) {
      throw sqsErrors.unsupported(`The local cloud moves dead letters back to their source queue only (${queue.source.arn}).`);
    }
    const rate = optionalNumber(body, 'MaxNumberOfMessagesPerSecond');
    if (rate !== undefined && (!Number.isInteger(rate) || rate < 1 || rate > 500)) {
      throw sqsErrors.invalidParameter(`Value ${rate} for parameter MaxNumberOfMessagesPerSecond is invalid. Reason: Must be between 1 and 500.`);
    }
    if (moveTasks.running(queue.arn) !== undefined) {
      throw sqsErrors.unsupported('There is already a task running. Only one active task is allowed for a source queue arn at a given time.');
    }
    return { TaskHandle: moveTasks.start(queue, rate).TaskHandle };
  }

  function listMoveTasks(body: JsonObject, ctx: CallContext): unknown {
    const queue = deadLetterQueueByArn(optionalString(body, 'SourceArn'), ctx);
    const max = optionalNumber(body, 'MaxResults') ?? 1;
    if (!Number.isInteger(max) || max < 1 || max > 10) throw sqsErrors.invalidParameter(`Value ${max} for parameter MaxResults is invalid. Reason: Must be between 1 and 10.`);
    return { Results: moveTasks.list(queue.arn).slice(0, max).map((task) => ({ ...task })) };
  }

  function listQueues(body: JsonObject, ctx: CallContext, host: string): unknown {
    const prefix = optionalString(body, 'QueueNamePrefix') ?? '';
    const max = optionalNumber(body, 'MaxResults') ?? 1000;
    const after = optionalString(body, 'NextToken');
    const names = queues.filter((q) => visibleTo(q, ctx) && q.name.startsWith(prefix)).sort((a, b) => a.name.localeCompare(b.name));
    const start = after === undefined ? 0 : names.findIndex((q) => q.name > Buffer.from(after, 'base64').toString('utf8'));
    const page = start < 0 ? [] : names.slice(start, start + max);
    const more = start >= 0 && start + max < names.length && body.MaxResults !== undefined;
    return {
      ...(page.length === 0 ? {} : { QueueUrls: page.map((q) => queueUrlOf(q, host)) }),
      ...(more ? { NextToken: Buffer.from(page[page.length - 1]?.name ?? '').toString('base64') } : {}),
    };
  }

  function handle(req: RawRequest, ctx: CallContext): RawResponse {
    const body = jsonBody(req);
    const host = hostOf(req);
    switch (targetAction(req)) {
      case 'GetQueueUrl': {
        const name = optionalString(body, 'QueueName');
        const owner = optionalString(body, 'QueueOwnerAWSAccountId') ?? ctx.accountId;
        const queue = queues.find((q) => q.name === name && q.accountId === owner);
        if (queue === undefined || !visibleTo(queue, ctx)) throw sqsErrors.noQueue();
        return respond({ QueueUrl: queueUrlOf(queue, host) }, ctx);
      }
      case 'ListQueues':
        return respond(listQueues(body, ctx, host), ctx);
      case 'GetQueueAttributes': {
        const queue = byUrl(body, ctx);
        const names = optionalStringList(body, 'AttributeNames') ?? [];
        return respond(names.length === 0 ? {} : { Attributes: attributes(queue, names) }, ctx);
      }
      case 'ListDeadLetterSourceQueues': {
        const queue = byUrl(body, ctx);
        return respond({ queueUrls: queue.kind === 'dead-letter' ? [queueUrlOf(queue.source, host)] : [] }, ctx);
      }
      case 'ReceiveMessage':
        return respond(receive(byUrl(body, ctx), body), ctx);
      case 'DeleteMessage':
        return respond(deleteMessage(byUrl(body, ctx), body), ctx);
      case 'SendMessage':
        return respond(sendMessage(byUrl(body, ctx), body, ctx), ctx);
      case 'StartMessageMoveTask':
        return respond(startMoveTask(body, ctx), ctx);
      case 'ListMessageMoveTasks':
        return respond(listMoveTasks(body, ctx), ctx);
      default:
        throw sqsErrors.unsupported(`Operation ${targetAction(req)} is not emulated by the local cloud`);
    }
  }

  return {
    signingName: 'sqs',
    actionOf: (req) => targetAction(req),
    // SQS's API rates are far above anything an operator's command sends: no bucket models them.
    throttleClass: () => undefined,
    handle,
    errorResponse: (err, ctx) => sqsErrorResponse(err, ctx),
    setQueues(definitions) {
      queues = definitions === undefined ? [] : buildQueues(definitions, world.hubAccountId);
    },
    snapshot: () => ({
      queues: queues.map((queue) => ({
        name: queue.name,
        arn: queue.arn,
        ...(queue.kind === 'source'
          ? { kind: 'source', ...queue.hosted.depth(), deadLetterQueue: queue.deadLetterQueue.name }
          : { kind: 'dead-letter', messages: queue.source.hosted.deadLetters().length, moveTasks: moveTasks.list(queue.arn) }),
      })),
    }),
  };
}
