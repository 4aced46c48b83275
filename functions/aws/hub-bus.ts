import { PutEventsCommand, type EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { endpointCreatedEntry, type EndpointCreatedDetail } from '../../events/schemas/endpoint-created';

export type { EndpointCreatedDetail };

/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_CALL = 10;

/** Hands new endpoints to connection acceptance through the hub bus, so acceptance stays batched in one place. */
export async function publishEndpointCreated(
  events: EventBridgeClient,
  busName: string,
  details: readonly EndpointCreatedDetail[],
): Promise<void> {
  for (let i = 0; i < details.length; i += ENTRIES_PER_CALL) {
    const entries = details.slice(i, i + ENTRIES_PER_CALL).map((detail) => endpointCreatedEntry(detail, busName));
    const response = await events.send(new PutEventsCommand({ Entries: entries }));
    if ((response.FailedEntryCount ?? 0) > 0) {
      const reasons = (response.Entries ?? [])
        .filter((e) => e.ErrorCode !== undefined)
        .map((e) => `${e.ErrorCode ?? ''}: ${e.ErrorMessage ?? ''}`);
      throw new Error(`PutEvents to ${busName} failed for ${response.FailedEntryCount} entries: ${reasons.join('; ')}`);
    }
  }
}
