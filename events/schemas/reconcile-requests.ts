/**
 * The reconciler's own fan-out events on the hub bus: one "Account Reconcile Requested" per in-scope account (to the
 * account-reconcile queue), and a "Reconcile Continuation Requested" when a run hands the rest of the organization to
 * a fresh invocation. Both only say where to look: the consumers re-read membership and the account's VPCs.
 */
import * as z from 'zod';
import {
  ACCOUNT_RECONCILE_REQUESTED_DETAIL_TYPE,
  CONTROL_PLANE_SOURCE,
  RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE,
} from '../patterns';
import { accountIdSchema, ancestorIdsSchema, eventBridgeEnvelope } from './common';
import { controlPlaneEntry, type ControlPlaneEventEntry } from './control-plane-entry';
import { parseOrThrow } from './errors';
import type { AccountReconcileScope } from './scope';

/** The correlation id of the whole run (the schedule's event id or the manual invocation's request id). */
export const runIdSchema = z.string().min(1).max(128);

export const accountReconcileRequestedDetailSchema = z.looseObject({
  runId: runIdSchema,
  accountId: accountIdSchema,
  /** The account's parents (nearest first, up to the root) as the run read them: the per-OU policy defaults. */
  ancestorIds: ancestorIdsSchema.optional(),
});
export type AccountReconcileRequestedDetail = z.output<typeof accountReconcileRequestedDetailSchema>;

export const reconcileContinuationDetailSchema = z.looseObject({
  runId: runIdSchema,
  /** The last account the run published: the continuation publishes only accounts with a greater id. */
  afterAccountId: accountIdSchema,
  /**
   * How many invocations in a row failed at this cursor before publishing anything (absent: none). A continuation
   * that fails that way hands the same cursor on once more, up to MAX_CONTINUATION_RETRIES (converge/fan-out.ts).
   */
  retries: z.number().int().min(1).max(20).optional(),
});
export type ReconcileContinuationDetail = z.output<typeof reconcileContinuationDetailSchema>;

export const accountReconcileRequestedEventSchema = eventBridgeEnvelope(accountReconcileRequestedDetailSchema).extend({
  source: z.literal(CONTROL_PLANE_SOURCE),
  'detail-type': z.literal(ACCOUNT_RECONCILE_REQUESTED_DETAIL_TYPE),
});

export const reconcileContinuationEventSchema = eventBridgeEnvelope(reconcileContinuationDetailSchema).extend({
  source: z.literal(CONTROL_PLANE_SOURCE),
  'detail-type': z.literal(RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE),
});

export function parseAccountReconcileRequestedEvent(input: unknown): AccountReconcileScope {
  const event = parseOrThrow(accountReconcileRequestedEventSchema, input, 'Account Reconcile Requested event');
  return {
    kind: 'account-reconcile',
    accountId: event.detail.accountId,
    runId: event.detail.runId,
    eventId: event.id,
    senderAccountId: event.account,
    ...(event.detail.ancestorIds === undefined ? {} : { ancestorIds: event.detail.ancestorIds }),
  };
}

export function parseReconcileContinuationEvent(input: unknown): { eventId: string; senderAccountId: string } & ReconcileContinuationDetail {
  const event = parseOrThrow(reconcileContinuationEventSchema, input, 'Reconcile Continuation Requested event');
  const { runId, afterAccountId, retries } = event.detail;
  return { eventId: event.id, senderAccountId: event.account, runId, afterAccountId, ...(retries === undefined ? {} : { retries }) };
}

export type { ControlPlaneEventEntry };

export function accountReconcileRequestedEntry(detail: AccountReconcileRequestedDetail, eventBusName: string): ControlPlaneEventEntry {
  return controlPlaneEntry(ACCOUNT_RECONCILE_REQUESTED_DETAIL_TYPE, accountReconcileRequestedDetailSchema, detail, eventBusName);
}

export function reconcileContinuationEntry(detail: ReconcileContinuationDetail, eventBusName: string): ControlPlaneEventEntry {
  return controlPlaneEntry(RECONCILE_CONTINUATION_REQUESTED_DETAIL_TYPE, reconcileContinuationDetailSchema, detail, eventBusName);
}
