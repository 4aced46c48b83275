/**
 * The control plane's own hand-off: VPC onboarding puts "Endpoint Created" on the hub bus so that
 * connection acceptance runs without waiting for the endpoint service's notification.
 */
import { z } from 'zod';
import { CONTROL_PLANE_SOURCE, ENDPOINT_CREATED_DETAIL_TYPE } from '../patterns';
import {
  accountIdSchema,
  eventBridgeEnvelope,
  regionSchema,
  serviceIdSchema,
  vpcEndpointIdSchema,
  vpcIdSchema,
} from './common';
import { parseOrThrow } from './errors';
import type { EndpointScope } from './scope';

export const endpointCreatedDetailSchema = z.looseObject({
  /** The spoke account that owns the VPC and the endpoint. */
  accountId: accountIdSchema,
  region: regionSchema,
  vpcId: vpcIdSchema,
  vpcEndpointId: vpcEndpointIdSchema,
  serviceId: serviceIdSchema.optional(),
});
export type EndpointCreatedDetail = z.output<typeof endpointCreatedDetailSchema>;

export const endpointCreatedEventSchema = eventBridgeEnvelope(endpointCreatedDetailSchema).extend({
  source: z.literal(CONTROL_PLANE_SOURCE),
  'detail-type': z.literal(ENDPOINT_CREATED_DETAIL_TYPE),
});

export function parseEndpointCreatedEvent(input: unknown): EndpointScope {
  const event = parseOrThrow(endpointCreatedEventSchema, input, 'Endpoint Created event');
  const { accountId, region, vpcId, vpcEndpointId, serviceId } = event.detail;
  return { kind: 'endpoint', accountId, region, vpcId, vpcEndpointId, eventId: event.id, ...(serviceId ? { serviceId } : {}) };
}

/** A PutEvents entry (EventBridge PutEventsRequestEntry) for the hand-off, validated before sending. */
export interface EndpointCreatedEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Resources: string[];
}

export function endpointCreatedEntry(detail: EndpointCreatedDetail, eventBusName: string): EndpointCreatedEntry {
  const valid = parseOrThrow(endpointCreatedDetailSchema, detail, 'Endpoint Created detail');
  return {
    Source: CONTROL_PLANE_SOURCE,
    DetailType: ENDPOINT_CREATED_DETAIL_TYPE,
    Detail: JSON.stringify(valid),
    EventBusName: eventBusName,
    Resources: [`arn:aws:ec2:${valid.region}:${valid.accountId}:vpc-endpoint/${valid.vpcEndpointId}`],
  };
}
