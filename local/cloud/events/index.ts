/**
 * EventBridge PutEvents over awsJson1_1 (X-Amz-Target AWSEvents.PutEvents). Each accepted entry
 * becomes an event on the named bus of the caller's account and region; the local event bus
 * (a sink) routes it. Rules and targets are the local bus's business, not the emulator's.
 */
import { randomUUID } from 'node:crypto';
import { AwsError } from '../framework';
import type { CallContext, ServiceModule } from '../framework';
import { awsJsonError, awsJsonResponse, jsonBody, targetAction } from '../core/json-protocol';
import type { LocalWorld } from '../core/world';

interface ResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

const MAX_ENTRIES = 10;

export function createEventsService(world: LocalWorld): ServiceModule {
  function putEntry(entry: unknown, ctx: CallContext): ResultEntry {
    if (typeof entry !== 'object' || entry === null) return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Entry must be an object.' };
    const { Source, DetailType, Detail, Resources, EventBusName, Time } = entry as Record<string, unknown>;
    if (typeof Source !== 'string' || Source === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Source is not valid. Reason: Source is a required argument.' };
    if (typeof DetailType !== 'string' || DetailType === '') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter DetailType is not valid. Reason: DetailType is a required argument.' };
    if (typeof Detail !== 'string') return { ErrorCode: 'InvalidArgument', ErrorMessage: 'Parameter Detail is not valid. Reason: Detail is a required argument.' };
    let detail: unknown;
    try {
      detail = JSON.parse(Detail);
    } catch {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
      return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
    }
    const resources = Array.isArray(Resources) ? Resources.filter((r): r is string => typeof r === 'string') : [];
    const eventId = randomUUID();
    const time = typeof Time === 'number' ? new Date(Time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : world.isoNow();
    world.deliverEvent(
      {
        version: '0',
        id: eventId,
        'detail-type': DetailType,
        source: Source,
        account: ctx.accountId,
        time,
        region: ctx.region,
        resources,
        detail: detail as Record<string, unknown>,
      },
      typeof EventBusName === 'string' && EventBusName !== '' ? EventBusName : 'default',
    );
    return { EventId: eventId };
  }

  return {
    signingName: 'events',
    actionOf: (req) => targetAction(req),
    throttleClass: () => 'default',
    handle(req, ctx) {
      const action = targetAction(req);
      if (action !== 'PutEvents') throw new AwsError('UnknownOperationException', `Operation ${action} is not emulated`, 400);
      const entries = jsonBody(req).Entries;
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
        throw new AwsError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`, 400);
      }
      const results = entries.map((entry: unknown) => putEntry(entry, ctx));
      return awsJsonResponse({ FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results }, ctx);
    },
    errorResponse: (err, ctx) => awsJsonError(err, ctx),
    snapshot: () => ({}),
  };
}
