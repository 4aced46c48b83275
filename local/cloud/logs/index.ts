/**
 * CloudWatch Logs over awsJson1_1 (X-Amz-Target `Logs_20140328.<Action>`): `FilterLogEvents`, which the operator CLI
 * reads the audit trail and the handlers' failure reasons with. The log events come from the embedder
 * (LocalCloud.writeLog), as Lambda writes a function's output to its log group out of band; the runner writes each
 * handler's JSON lines to `/aws/lambda/<function name>`, in the hub account and region.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../framework';
import type { CallContext, Clock, ServiceModule } from '../framework';
import { awsJsonError, awsJsonResponse, jsonBody, optionalNumber, optionalString, optionalStringList, targetAction } from '../core/json-protocol';
import { compileFilterPattern, InvalidFilterPattern } from './filter-pattern';

export interface LogsServiceModule extends ServiceModule {
  /** Appends one log event (a line the function wrote) to the group, created on first use. */
  write(where: { accountId: string; region: string; logGroupName: string; logStreamName: string }, message: string): void;
}

interface LogEvent {
  readonly logStreamName: string;
  readonly timestamp: number;
  readonly ingestionTime: number;
  readonly message: string;
  readonly eventId: string;
}

/** Newest events kept per group: enough for any operator's question, bounded for long runs (chaos seeds). */
const EVENTS_KEPT_PER_GROUP = 20_000;
/** FilterLogEvents' default and maximum `limit`. */
const PAGE_LIMIT = 10_000;

export function createLogsService(clock: Clock): LogsServiceModule {
  const groups = new Map<string, LogEvent[]>();
  const key = (accountId: string, region: string, name: string) => `${accountId}|${region}|${name}`;

  function filterLogEvents(body: Record<string, unknown>, ctx: CallContext): unknown {
    // logGroupIdentifier may be the group's ARN (arn:aws:logs:region:account:log-group:name) or its name.
    const identifier = optionalString(body, 'logGroupName') ?? optionalString(body, 'logGroupIdentifier')?.replace(/^arn:[^:]+:logs:[^:]+:\d{12}:log-group:/, '');
    if (identifier === undefined) throw new AwsError('InvalidParameterException', 'Either logGroupName or logGroupIdentifier must be specified', 400);
    const events = groups.get(key(ctx.accountId, ctx.region, identifier));
    if (events === undefined) throw new AwsError('ResourceNotFoundException', 'The specified log group does not exist.', 400);
    let matches: (message: string) => boolean;
    try {
      matches = compileFilterPattern(optionalString(body, 'filterPattern'));
    } catch (error) {
      if (error instanceof InvalidFilterPattern) throw new AwsError('InvalidParameterException', error.message, 400);
      throw error;
    }
    const startTime = optionalNumber(body, 'startTime') ?? 0;
    const endTime = optionalNumber(body, 'endTime') ?? Number.MAX_SAFE_INTEGER;
    const streams = optionalStringList(body, 'logStreamNames');
    const limit = Math.min(optionalNumber(body, 'limit') ?? PAGE_LIMIT, PAGE_LIMIT);
    const after = Number(optionalString(body, 'nextToken') ?? -1);
    const selected = events
      .map((event, index) => ({ event, index }))
      .filter(({ event, index }) => index > after && event.timestamp >= startTime && event.timestamp <= endTime)
      .filter(({ event }) => (streams === undefined || streams.includes(event.logStreamName)) && matches(event.message));
    const page = selected.slice(0, limit);
    const last = page[page.length - 1];
    return {
      events: page.map(({ event }) => event),
      searchedLogStreams: [],
      ...(selected.length > limit && last !== undefined ? { nextToken: String(last.index) } : {}),
    };
  }

  return {
    signingName: 'logs',
    actionOf: (req) => targetAction(req),
    // CloudWatch Logs' FilterLogEvents quota (5 per second per account and region) would only slow the CLI's reads.
    throttleClass: () => undefined,
    handle(req, ctx) {
      const action = targetAction(req);
      if (action !== 'FilterLogEvents') throw new AwsError('UnknownOperationException', `Operation ${action} is not emulated by the local cloud`, 400);
      return awsJsonResponse(filterLogEvents(jsonBody(req), ctx), ctx);
    },
    errorResponse: (err, ctx) => awsJsonError(err, ctx),
    write(where, message) {
      const groupKey = key(where.accountId, where.region, where.logGroupName);
      const events = groups.get(groupKey) ?? [];
      groups.set(groupKey, events);
      // Emulated time, as SQS's SentTimestamp (the local bus stamps it on this clock): `egress dead-letters` reads the
      // handlers' reasons from a dead letter's SentTimestamp on.
      const now = clock.now();
      events.push({ logStreamName: where.logStreamName, timestamp: now, ingestionTime: now, message, eventId: randomUUID() });
      if (events.length > EVENTS_KEPT_PER_GROUP) events.splice(0, events.length - EVENTS_KEPT_PER_GROUP);
    },
    snapshot: () => ({ logGroups: [...groups].map(([groupKey, events]) => ({ logGroup: groupKey.split('|').join(' '), events: events.length })) }),
  };
}
