/**
 * EventBridge over awsJson1_1 (X-Amz-Target AWSEvents.<Action>): buses as resources (CreateEventBus,
 * DescribeEventBus), their resource policies (PutPermission, RemovePermission) and PutEvents checked against them.
 * Each accepted entry becomes an event on its bus; the local event bus (a sink) routes it. Rules and targets are the
 * local bus's business, not the emulator's, but bus-to-bus deliveries ask this module (`ruleDelivery`).
 */
import { AwsError } from '../framework';
import type { CallContext, ServiceModule } from '../framework';
import type { RuleDeliveryAuthority } from '../api';
import { awsJsonError, awsJsonResponse, jsonBody, targetAction } from '../core/json-protocol';
import type { LocalWorld } from '../core/world';
import type { OrganizationMembership } from './bus-access';
import { busAddress, EventBusRegistry, type EventBus } from './buses';
import { putPermission, removePermission } from './permissions';
import { putEntry } from './put-events';
import { ruleDeliveryAuthority } from './rule-delivery';

export interface EventsServiceModule extends ServiceModule {
  /** What the local event bus asks before a rule forwards an event to another bus. */
  readonly ruleDelivery: RuleDeliveryAuthority;
}

const MAX_ENTRIES = 10;

/**
 * EventBridge's request quotas (Service Quotas, "PutEvents throttle limit in transactions per second", L-9B653E91, and
 * "Throttle limit in transactions per second", L-3C47459F), per account and Region. PutEvents' default differs by
 * Region, from 10,000 per second (us-east-1, us-west-2, eu-west-1) down to 400 ("each of the other supported
 * Regions"): the emulator takes the smallest, what the control plane must live with wherever it is deployed. Every
 * other action: 50 per second. AWS publishes no burst; one second's worth is assumed.
 */
export const EVENTS_THROTTLE_BUCKETS = {
  PutEvents: { capacity: 400, refillPerSecond: 400 },
  other: { capacity: 50, refillPerSecond: 50 },
} as const satisfies Record<string, { capacity: number; refillPerSecond: number }>;

export function createEventsService(world: LocalWorld, organizations: OrganizationMembership): EventsServiceModule {
  const buses = new EventBusRegistry(() => world.clock.now());
  const deps = { world, buses, organizations };

  const describe = (bus: EventBus) => ({
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.policy === undefined ? {} : { Policy: bus.policy.document }),
    CreationTime: bus.createdAt / 1000,
    LastModifiedTime: bus.lastModifiedAt / 1000,
  });

  const nameOf = (value: unknown) => (typeof value === 'string' ? value : undefined);

  const actions: Record<string, (input: Record<string, unknown>, ctx: CallContext) => unknown> = {
    CreateEventBus: (input, ctx) => {
      if (typeof input.Name !== 'string') throw new AwsError('ValidationException', 'Name is required.', 400);
      return { EventBusArn: buses.create({ accountId: ctx.accountId, region: ctx.region, name: input.Name }).arn };
    },
    DescribeEventBus: (input, ctx) => describe(buses.require(busAddress(nameOf(input.Name), ctx))),
    PutPermission: (input, ctx) => {
      putPermission(buses, input, ctx);
      return {};
    },
    RemovePermission: (input, ctx) => {
      removePermission(buses, input, ctx);
      return {};
    },
    PutEvents: (input, ctx) => {
      const entries = input.Entries;
      if (!Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
        throw new AwsError('ValidationException', `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length between 1 and ${MAX_ENTRIES}`, 400);
      }
      const results = entries.map((entry: unknown) => putEntry(entry, ctx, deps));
      return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
    },
  };

  return {
    signingName: 'events',
    actionOf: (req) => targetAction(req),
    throttleClass: (action) => (action === 'PutEvents' ? 'PutEvents' : 'other'),
    throttleBuckets: EVENTS_THROTTLE_BUCKETS,
    handle(req, ctx) {
      const action = actions[targetAction(req)];
      if (action === undefined) throw new AwsError('UnknownOperationException', `Operation ${targetAction(req)} is not emulated`, 400);
      return awsJsonResponse(action(jsonBody(req), ctx), ctx);
    },
    errorResponse: (err, ctx) => awsJsonError(err, ctx),
    snapshot: () => ({ buses: buses.list().map((bus) => ({ ...describe(bus), accountId: bus.accountId, region: bus.region })) }),
    ruleDelivery: ruleDeliveryAuthority(buses, organizations),
  };
}
