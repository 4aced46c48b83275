/**
 * Organizations membership events (CloudTrail records delivered by EventBridge in the management
 * account's us-east-1, forwarded to the hub). API calls and service events share the CloudTrail record
 * shape; the account id sits in a different place for each event name.
 */
import * as z from 'zod';
import {
  CREATE_ACCOUNT_RESULT,
  MEMBERSHIP_EVENT_NAMES,
  ORGANIZATIONS_EVENT_SOURCE,
  ORGANIZATIONS_SOURCE,
  type OrganizationEventName,
} from '../patterns';
import { accountIdSchema, eventBridgeEnvelope } from './common';
import { MalformedEventError, parseOrThrow } from './errors';
import type { AccountScope, IgnoredEvent } from './scope';

const KIND = 'Organizations event';

const looseRecord = z.looseObject({});

const cloudTrailDetail = z.looseObject({
  eventVersion: z.string().optional(),
  userIdentity: z.looseObject({ accountId: z.string().optional() }).optional(),
  eventTime: z.string().optional(),
  eventSource: z.literal(ORGANIZATIONS_EVENT_SOURCE),
  eventName: z.string().min(1),
  awsRegion: z.string().optional(),
  requestParameters: looseRecord.nullish(),
  responseElements: looseRecord.nullish(),
  serviceEventDetails: looseRecord.nullish(),
  eventID: z.string().optional(),
  eventType: z.string().optional(),
  recipientAccountId: z.string().optional(),
  /** CloudTrail also records calls that failed; they change nothing. */
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
});

export const organizationsEventSchema = eventBridgeEnvelope(cloudTrailDetail).extend({
  source: z.literal(ORGANIZATIONS_SOURCE),
});
export type OrganizationsEvent = z.output<typeof organizationsEventSchema>;
type CloudTrailDetail = OrganizationsEvent['detail'];

const createAccountStatusSchema = z.looseObject({
  id: z.string().optional(),
  state: z.enum(['IN_PROGRESS', 'SUCCEEDED', 'FAILED']),
  accountName: z.string().optional(),
  accountId: z.string().optional(),
  failureReason: z.string().optional(),
});

const handshakeSchema = z.looseObject({
  id: z.string().optional(),
  state: z.string().optional(),
  action: z.string().optional(),
  parties: z.array(z.looseObject({ id: z.string(), type: z.string() })).optional(),
});

const JOINED: ReadonlySet<string> = new Set(['CreateAccountResult', 'AccountJoinedOrganization', 'AcceptHandshake']);

/** Which account an Organizations event is about, or why it asks for nothing. */
export function parseOrganizationsEvent(input: unknown): AccountScope | IgnoredEvent {
  const event = parseOrThrow(organizationsEventSchema, input, KIND);
  const { detail } = event;
  const eventId = event.id;
  if (!isOrganizationEventName(detail.eventName)) {
    return { kind: 'ignored', eventId, reason: `${detail.eventName} does not change membership` };
  }
  if (detail.errorCode) {
    return { kind: 'ignored', eventId, reason: `${detail.eventName} failed with ${detail.errorCode}` };
  }
  const trigger = detail.eventName;
  if (trigger === CREATE_ACCOUNT_RESULT) {
    const status = createAccountStatus(detail);
    if (status.state !== 'SUCCEEDED') {
      const why = status.failureReason ? ` (${status.failureReason})` : '';
      return { kind: 'ignored', eventId, reason: `account creation ${status.state}${why}` };
    }
  }
  if (trigger === 'AcceptHandshake') {
    const handshake = parseAt(handshakeSchema, detail.responseElements?.handshake, 'detail.responseElements.handshake');
    if (handshake?.action && handshake.action !== 'INVITE') {
      return { kind: 'ignored', eventId, reason: `handshake ${handshake.action} is not an invitation` };
    }
  }
  const accountId = accountIdOf(trigger, event);
  return { kind: 'account', accountId, eventId, senderAccountId: event.account, trigger, claimedChange: JOINED.has(trigger) ? 'joined' : 'left' };
}

function isOrganizationEventName(name: string): name is OrganizationEventName {
  return name === CREATE_ACCOUNT_RESULT || (MEMBERSHIP_EVENT_NAMES as readonly string[]).includes(name);
}

function createAccountStatus(detail: CloudTrailDetail) {
  const status = parseAt(
    createAccountStatusSchema,
    detail.serviceEventDetails?.createAccountStatus,
    'detail.serviceEventDetails.createAccountStatus',
  );
  if (!status) throw new MalformedEventError(KIND, 'detail.serviceEventDetails.createAccountStatus: missing');
  return status;
}

/** Candidate places, in order of trust, for each event name's account id. */
function accountIdOf(trigger: OrganizationEventName, event: OrganizationsEvent): string {
  const { detail } = event;
  const candidates: [string, unknown][] = [];
  const service = detail.serviceEventDetails ?? {};
  const request = detail.requestParameters ?? {};
  switch (trigger) {
    case 'CreateAccountResult':
      candidates.push([
        'detail.serviceEventDetails.createAccountStatus.accountId',
        createAccountStatus(detail).accountId,
      ]);
      break;
    case 'AccountJoinedOrganization': {
      // The detail of this event is not documented: accept the plausible places.
      const account = asRecord(service.account);
      const joined = asRecord(service.accountJoinedOrganization);
      candidates.push(
        ['detail.serviceEventDetails.accountId', service.accountId],
        ['detail.serviceEventDetails.account.id', account?.id],
        ['detail.serviceEventDetails.account.accountId', account?.accountId],
        ['detail.serviceEventDetails.accountJoinedOrganization.accountId', joined?.accountId],
        ['detail.requestParameters.accountId', request.accountId],
        ['resources[] account ARN', accountFromArns(event.resources)],
      );
      break;
    }
    case 'AcceptHandshake': {
      const handshake = asRecord(detail.responseElements?.handshake);
      // Stryker disable next-line ArrayDeclaration: equivalent, a list without parties finds no ACCOUNT party either way
      const parties = Array.isArray(handshake?.parties) ? handshake.parties.map(asRecord) : [];
      // Stryker disable next-line OptionalChaining: equivalent, parseAt has checked that every party is an object
      const accountParty = parties.find((party) => party?.type === 'ACCOUNT');
      // The invited account accepts, so the call is recorded under its identity.
      candidates.push(
        ['detail.responseElements.handshake.parties[type=ACCOUNT].id', accountParty?.id],
        ['detail.userIdentity.accountId', detail.userIdentity?.accountId],
        ['detail.recipientAccountId', detail.recipientAccountId],
      );
      break;
    }
    case 'LeaveOrganization':
      // The member account itself calls LeaveOrganization.
      candidates.push(
        ['detail.userIdentity.accountId', detail.userIdentity?.accountId],
        ['detail.recipientAccountId', detail.recipientAccountId],
      );
      break;
    case 'RemoveAccountFromOrganization':
    case 'CloseAccount':
      candidates.push(['detail.requestParameters.accountId', request.accountId]);
      break;
  }
  for (const [, value] of candidates) {
    const parsed = accountIdSchema.safeParse(value);
    if (parsed.success) return parsed.data;
  }
  const places = candidates.map(([place]) => place).join(', ');
  throw new MalformedEventError(KIND, `${trigger} carries no 12-digit account id (looked in ${places})`);
}

/** arn:aws:organizations::111111111111:account/o-abc/222222222222 -> 222222222222 */
function accountFromArns(resources: string[]): string | undefined {
  for (const arn of resources) {
    const match = /^arn:aws[\w-]*:organizations::\d{12}:account\/o-[a-z0-9]+\/(\d{12})$/.exec(arn);
    if (match?.[1]) return match[1];
  }
  return undefined;
}

function parseAt<T extends z.ZodType>(schema: T, value: unknown, path: string): z.output<T> | undefined {
  if (value === undefined || value === null) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    const first = result.error.issues[0];
    const where = first && first.path.length > 0 ? `${path}.${first.path.join('.')}` : path;
    const message =
      // Stryker disable next-line OptionalChaining,StringLiteral: never used, a failed parse has at least one issue
      first?.message ?? 'invalid';
    throw new MalformedEventError(KIND, `${where}: ${message}`);
  }
  return result.data;
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: equivalent when loosened, as every caller reads properties with ?., which a string, a number, null or an array answers with undefined too (the stricter mutants are killed, but share the nodes)
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}
