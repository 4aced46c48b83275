/** The reconciler's two triggers: the EventBridge schedule, and a manual invocation with options. */
import { z } from 'zod';
import { accountIdSchema, eventBridgeEnvelope } from './common';
import { parseOrThrow } from './errors';
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
});
export type ManualReconcileInput = z.output<typeof manualReconcileInputSchema>;

/**
 * @param invocationId the Lambda request id: the correlation id of a manual run, which has no event id.
 */
export function parseReconcilerInput(input: unknown, invocationId: string): OrganizationScope {
  if (typeof input === 'object' && input !== null && (input as { source?: unknown }).source === 'aws.events') {
    const event = parseOrThrow(scheduledEventSchema, input, 'scheduled event');
    return { kind: 'organization', trigger: 'schedule', dryRun: false, eventId: event.id };
  }
  const manual = parseOrThrow(manualReconcileInputSchema, input ?? {}, 'reconciler input');
  return {
    kind: 'organization',
    trigger: 'manual',
    dryRun: manual.dryRun ?? false,
    eventId: invocationId,
    ...(manual.accountIds ? { accountIds: manual.accountIds } : {}),
  };
}
