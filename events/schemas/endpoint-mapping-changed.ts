/**
 * The control plane's "Endpoint Mapping Changed": an account's shard of the endpoint-to-policy mapping was written,
 * so the mapping publisher recompiles what the Squid fleet reads. It says only where to look; the publisher reads
 * every shard's ETag and fetches what changed, so any number of these in a batch is one compile.
 */
import * as z from 'zod';
import { CONTROL_PLANE_SOURCE, ENDPOINT_MAPPING_CHANGED_DETAIL_TYPE } from '../patterns';
import { accountIdSchema, eventBridgeEnvelope } from './common';
import { controlPlaneEntry, type ControlPlaneEventEntry } from './control-plane-entry';
import { parseOrThrow } from './errors';

export const endpointMappingChangedDetailSchema = z.looseObject({
  /** The account whose shard changed. */
  accountId: accountIdSchema,
});
export type EndpointMappingChangedDetail = z.output<typeof endpointMappingChangedDetailSchema>;

export const endpointMappingChangedEventSchema = eventBridgeEnvelope(endpointMappingChangedDetailSchema).extend({
  source: z.literal(CONTROL_PLANE_SOURCE),
  'detail-type': z.literal(ENDPOINT_MAPPING_CHANGED_DETAIL_TYPE),
});

export function parseEndpointMappingChangedEvent(input: unknown): { eventId: string; accountId: string; senderAccountId: string } {
  const event = parseOrThrow(endpointMappingChangedEventSchema, input, 'Endpoint Mapping Changed event');
  return { eventId: event.id, accountId: event.detail.accountId, senderAccountId: event.account };
}

export function endpointMappingChangedEntry(detail: EndpointMappingChangedDetail, eventBusName: string): ControlPlaneEventEntry {
  return controlPlaneEntry(ENDPOINT_MAPPING_CHANGED_DETAIL_TYPE, endpointMappingChangedDetailSchema, detail, eventBusName);
}
