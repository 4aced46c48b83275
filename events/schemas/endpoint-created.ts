/**
 * The control plane's own hand-off: VPC onboarding puts "Endpoint Created" on the hub bus so that
 * connection acceptance runs without waiting for the endpoint service's notification.
 */
import * as z from 'zod';
import { CONTROL_PLANE_SOURCE, ENDPOINT_CREATED_DETAIL_TYPE } from '../patterns';
import {
  accountIdSchema,
  ancestorIdsSchema,
  eventBridgeEnvelope,
  regionSchema,
  serviceIdSchema,
  vpcEndpointIdSchema,
  vpcIdSchema,
} from './common';
import { controlPlaneEntry, type ControlPlaneEventEntry } from './control-plane-entry';
import { parseOrThrow } from './errors';
import type { EndpointScope } from './scope';

export const endpointCreatedDetailSchema = z.looseObject({
  /** The spoke account that owns the VPC and the endpoint. */
  accountId: accountIdSchema,
  region: regionSchema,
  vpcId: vpcIdSchema,
  vpcEndpointId: vpcEndpointIdSchema,
  serviceId: serviceIdSchema.optional(),
  /**
   * What the step that created the endpoint read moments before (account reconciler, VPC onboarding): the owner
   * account in scope, with its parents, and the VPC carrying the proxy tag. Acceptance trusts it only on an event
   * EventBridge stamped with the control plane's own account; from anyone else it is ignored and both are re-read.
   */
  decided: z
    .looseObject({
      ownerInScope: z.literal(true),
      ownerAncestorIds: ancestorIdsSchema.optional(),
      vpcTagged: z.literal(true),
    })
    .optional(),
});
export type EndpointCreatedDetail = z.output<typeof endpointCreatedDetailSchema>;

export const endpointCreatedEventSchema = eventBridgeEnvelope(endpointCreatedDetailSchema).extend({
  source: z.literal(CONTROL_PLANE_SOURCE),
  'detail-type': z.literal(ENDPOINT_CREATED_DETAIL_TYPE),
});

export function parseEndpointCreatedEvent(input: unknown): EndpointScope {
  const event = parseOrThrow(endpointCreatedEventSchema, input, 'Endpoint Created event');
  const { accountId, region, vpcId, vpcEndpointId, serviceId, decided } = event.detail;
  return {
    kind: 'endpoint',
    accountId,
    region,
    vpcId,
    vpcEndpointId,
    eventId: event.id,
    senderAccountId: event.account,
    ...(serviceId ? { serviceId } : {}),
    ...(decided === undefined
      ? {}
      : { decided: { ownerInScope: true, vpcTagged: true, ...(decided.ownerAncestorIds === undefined ? {} : { ownerAncestorIds: decided.ownerAncestorIds }) } }),
  };
}

/** The hand-off's PutEvents entry; its resource is the endpoint's ARN, as AWS's own events name theirs. */
export function endpointCreatedEntry(detail: EndpointCreatedDetail, eventBusName: string): ControlPlaneEventEntry {
  return controlPlaneEntry(ENDPOINT_CREATED_DETAIL_TYPE, endpointCreatedDetailSchema, detail, eventBusName, (valid) => [
    `arn:aws:ec2:${valid.region}:${valid.accountId}:vpc-endpoint/${valid.vpcEndpointId}`,
  ]);
}
