import { PutEventsCommand, type EventBridgeClient, type PutEventsResultEntry } from '@aws-sdk/client-eventbridge';
import { endpointCreatedEntry, type EndpointCreatedDetail } from '../../events/schemas/endpoint-created';
import { endpointMappingChangedEntry } from '../../events/schemas/endpoint-mapping-changed';
import {
  accountReconcileRequestedEntry,
  reconcileContinuationEntry,
  type ControlPlaneEventEntry,
  type ReconcileContinuationDetail,
} from '../../events/schemas/reconcile-requests';

export type { EndpointCreatedDetail, ReconcileContinuationDetail };

/** PutEvents takes at most 10 entries per call. */
export const ENTRIES_PER_CALL = 10;

/** Hands new endpoints to connection acceptance through the hub bus, so acceptance stays batched in one place. */
export async function publishEndpointCreated(
  events: EventBridgeClient,
  busName: string,
  details: readonly EndpointCreatedDetail[],
): Promise<void> {
  for (let i = 0; i < details.length; i += ENTRIES_PER_CALL) {
    const entries = details.slice(i, i + ENTRIES_PER_CALL).map((detail) => endpointCreatedEntry(detail, busName));
    const failed = failedEntries(await putEvents(events, entries));
    if (failed.length > 0) {
      throw new Error(`PutEvents to ${busName} failed for ${failed.length} entries: ${failed.map((f) => f.reason).join('; ')}`);
    }
  }
}

/**
 * One "Account Reconcile Requested" per account, in one PutEvents call (at most ENTRIES_PER_CALL accounts: the
 * caller paces the calls so it can stop between them). Returns, per account id, why its entry was refused; a call
 * that fails as a whole throws.
 */
export async function publishAccountReconcileRequests(
  events: EventBridgeClient,
  busName: string,
  runId: string,
  accounts: readonly { readonly accountId: string; readonly ancestorIds?: readonly string[] }[],
): Promise<Map<string, string>> {
  if (accounts.length > ENTRIES_PER_CALL) throw new Error(`at most ${ENTRIES_PER_CALL} accounts per PutEvents call, got ${accounts.length}`);
  const entries = accounts.map(({ accountId, ancestorIds }) =>
    accountReconcileRequestedEntry({ runId, accountId, ...(ancestorIds === undefined ? {} : { ancestorIds: [...ancestorIds] }) }, busName),
  );
  const failed = failedEntries(await putEvents(events, entries));
  return new Map(failed.map(({ index, reason }) => [accounts[index]?.accountId ?? `entry ${index}`, reason]));
}

/** Tells the mapping publisher that these accounts' shards changed (one entry per account, 10 per call). */
export async function publishEndpointMappingChanged(events: EventBridgeClient, busName: string, accountIds: readonly string[]): Promise<void> {
  for (let i = 0; i < accountIds.length; i += ENTRIES_PER_CALL) {
    const entries = accountIds.slice(i, i + ENTRIES_PER_CALL).map((accountId) => endpointMappingChangedEntry({ accountId }, busName));
    const failed = failedEntries(await putEvents(events, entries));
    if (failed.length > 0) throw new Error(`PutEvents to ${busName} failed for ${failed.length} mapping change(s): ${failed.map((f) => f.reason).join('; ')}`);
  }
}

/** Hands the rest of a fan-out run to a new reconciler invocation (the hub bus's continuation rule). */
export async function publishReconcileContinuation(
  events: EventBridgeClient,
  busName: string,
  detail: ReconcileContinuationDetail,
): Promise<void> {
  const [failed] = failedEntries(await putEvents(events, [reconcileContinuationEntry(detail, busName)]));
  if (failed !== undefined) throw new Error(`PutEvents to ${busName} refused the continuation: ${failed.reason}`);
}

async function putEvents(events: EventBridgeClient, entries: ControlPlaneEventEntry[]): Promise<PutEventsResultEntry[]> {
  const response = await events.send(new PutEventsCommand({ Entries: entries }));
  const results = response.Entries ?? [];
  // PutEvents answers 200 with per-entry errors; a count without the entries would hide which ones failed.
  if ((response.FailedEntryCount ?? 0) > 0 && results.length !== entries.length) {
    throw new Error(`PutEvents reported ${response.FailedEntryCount} failed entries without saying which`);
  }
  return results;
}

function failedEntries(results: readonly PutEventsResultEntry[]): { index: number; reason: string }[] {
  return results.flatMap((entry, index) =>
    entry.ErrorCode === undefined ? [] : [{ index, reason: `${entry.ErrorCode}: ${entry.ErrorMessage ?? ''}` }],
  );
}
