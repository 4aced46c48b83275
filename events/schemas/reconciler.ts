/**
 * The reconciler's triggers: the EventBridge schedule, its own continuation event (from the hub bus), and a manual
 * invocation with options.
 */
import * as z from 'zod';
import { CONTROL_PLANE_SOURCE, RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE } from '../patterns';
import { accountIdSchema, eventBridgeEnvelope } from './common';
import { MalformedEventError, parseOrThrow } from './errors';
import { parseReconcileContinuationEvent } from './reconcile-requests';
import type { OrganizationScope } from './scope';

export const scheduledEventSchema = eventBridgeEnvelope(z.looseObject({})).extend({
  source: z.literal('aws.events'),
  'detail-type': z.literal('Scheduled Event'),
});

export const manualReconcileInputSchema = z.looseObject({
  /** Compute and return the plan without applying it. @default false */
  dryRun: z.boolean().optional(),
  /** Only these accounts (still checked against the organization). */
  accountIds: z.array(accountIdSchema).min(1).optional(),
  /** Apply through the per-account queue, as the schedule does, and return a summary instead of the plan. @default false */
  fanOut: z.boolean().optional(),
});
export type ManualReconcileInput = z.output<typeof manualReconcileInputSchema>;

const KIND = 'reconciler input';

/**
 * @param invocationId the Lambda request id: the correlation id of a manual run, which has no event id.
 */
export function parseReconcilerInput(input: unknown, invocationId: string): OrganizationScope {
  if (typeof input === 'object' && input !== null && (input as { source?: unknown }).source === 'aws.events') {
    const event = parseOrThrow(scheduledEventSchema, input, 'scheduled event');
    return { kind: 'organization', trigger: 'schedule', dryRun: false, fanOut: true, eventId: event.id, senderAccountId: event.account };
  }
  if (isContinuation(input)) {
    const { eventId, runId, afterAccountId, senderAccountId, retries } = parseReconcileContinuationEvent(input);
    return {
      kind: 'organization',
      trigger: 'continuation',
      dryRun: false,
      fanOut: true,
      eventId,
      continuation: { runId, afterAccountId, senderAccountId, ...(retries === undefined ? {} : { retries }) },
      senderAccountId,
    };
  }
  const manual = parseOrThrow(manualReconcileInputSchema, input ?? {}, KIND);
  const fanOut = manual.fanOut ?? false;
  // A plan or a partial run must come back whole to the caller; only a whole-organization apply can fan out.
  if (fanOut && (manual.dryRun === true || manual.accountIds !== undefined)) {
    throw new MalformedEventError(KIND, 'fanOut: applies the whole organization, so it cannot be combined with dryRun or accountIds');
  }
  return {
    kind: 'organization',
    trigger: 'manual',
    dryRun: manual.dryRun ?? false,
    fanOut,
    eventId: invocationId,
    ...(manual.accountIds ? { accountIds: manual.accountIds } : {}),
  };
}

function isContinuation(input: unknown): boolean {
  if (typeof input !== 'object' || input === null) return false;
  const event = input as { source?: unknown; 'detail-type'?: unknown };
  return event.source === CONTROL_PLANE_SOURCE && event['detail-type'] === RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE;
}
