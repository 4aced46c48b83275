/**
 * One PutEvents entry, answered as EventBridge answers it: a malformed entry, a source AWS reserves, a bus that does
 * not exist or a bus policy that does not admit the caller each fail that entry alone (FailedEntryCount, ErrorCode,
 * ErrorMessage on HTTP 200); an accepted entry becomes an event of the caller's account and region on that bus.
 */
import { randomUUID } from 'node:crypto';
import type { CallContext } from '../framework';
import type { LocalWorld } from '../core/world';
import { putEventsRefusal, type OrganizationMembership } from './bus-access';
import { busAddress, type EventBusRegistry } from './buses';

export interface ResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

export interface PutEventsDeps {
  readonly world: LocalWorld;
  readonly buses: EventBusRegistry;
  readonly organizations: OrganizationMembership;
}

/** Sources of AWS's own services: only AWS emits them, and only rules may carry them between buses. */
const RESERVED_SOURCE_PREFIX = 'aws.';

const failed = (ErrorCode: string, ErrorMessage: string): ResultEntry => ({ ErrorCode, ErrorMessage });

export function putEntry(entry: unknown, ctx: CallContext, deps: PutEventsDeps): ResultEntry {
  if (typeof entry !== 'object' || entry === null) return failed('InvalidArgument', 'Entry must be an object.');
  const { Source, DetailType, Detail, Resources, EventBusName, Time } = entry as Record<string, unknown>;
  if (typeof Source !== 'string' || Source === '') return failed('InvalidArgument', 'Parameter Source is not valid. Reason: Source is a required argument.');
  if (typeof DetailType !== 'string' || DetailType === '') {
    return failed('InvalidArgument', 'Parameter DetailType is not valid. Reason: DetailType is a required argument.');
  }
  if (typeof Detail !== 'string') return failed('InvalidArgument', 'Parameter Detail is not valid. Reason: Detail is a required argument.');
  const detail = parseDetail(Detail);
  if (detail === undefined) return failed('MalformedDetail', 'Detail is malformed.');
  if (Source.startsWith(RESERVED_SOURCE_PREFIX)) return failed('NotAuthorizedForSourceException', 'Not authorized for the source.');

  const address = busAddress(typeof EventBusName === 'string' ? EventBusName : undefined, ctx);
  const bus = deps.buses.find(address);
  if (bus === undefined) return failed('ResourceNotFoundException', `Event bus ${address.name} does not exist.`);
  const refusal = putEventsRefusal(bus, { accountId: ctx.accountId, arn: ctx.callerArn }, { source: Source, detailType: DetailType }, deps.organizations);
  if (refusal !== undefined) return failed('AccessDeniedException', refusal);

  const eventId = randomUUID();
  const time = typeof Time === 'number' ? new Date(Time * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z') : deps.world.isoNow();
  const resources = Array.isArray(Resources) ? Resources.filter((r): r is string => typeof r === 'string') : [];
  deps.world.deliverEvent(
    { version: '0', id: eventId, 'detail-type': DetailType, source: Source, account: ctx.accountId, time, region: ctx.region, resources, detail },
    typeof EventBusName === 'string' && EventBusName !== '' ? EventBusName : 'default',
  );
  return { EventId: eventId };
}

function parseDetail(text: string): Record<string, unknown> | undefined {
  try {
    const detail: unknown = JSON.parse(text);
    return typeof detail === 'object' && detail !== null && !Array.isArray(detail) ? (detail as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
