/** Events as AWS delivers them, built from the real-shaped samples in events/samples with the test's own ids. */
import { randomUUID } from 'node:crypto';
import type { CloudEvent } from '../../../local/cloud/api';
import { CONTROL_PLANE_SOURCE, ENDPOINT_CREATED_DETAIL_TYPE } from '../../../events/patterns';
import { sample, type SampleName } from '../../../events/samples';

/** A "Tag Change on Resource" event for a VPC claiming `tags` (after the change) and `changedKeys`. */
export function vpcTagChangeEvent(input: {
  accountId: string;
  region: string;
  vpcId: string;
  tags: Record<string, string>;
  changedKeys: string[];
  id?: string;
}): CloudEvent {
  const event = sample('tags/vpc-proxy-tag-added') as CloudEvent;
  return {
    ...event,
    id: input.id ?? randomUUID(),
    account: input.accountId,
    region: input.region,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    resources: [`arn:aws:ec2:${input.region}:${input.accountId}:vpc/${input.vpcId}`],
    detail: { ...event.detail, 'changed-tag-keys': input.changedKeys, tags: input.tags },
  };
}

/** A sample event as it is, with a fresh id so its records are told apart from other tests'. */
export function sampleEvent(name: SampleName): CloudEvent {
  return { ...(sample(name) as CloudEvent), id: randomUUID() };
}

/**
 * An "Endpoint Created" hand-off claiming what an account pass read (owner in scope, VPC tagged), as EventBridge
 * delivers it: `senderAccountId` is the account EventBridge stamps, the hub's for the control plane's own hand-off.
 */
export function endpointCreatedEvent(input: {
  senderAccountId: string;
  accountId: string;
  region: string;
  vpcId: string;
  vpcEndpointId: string;
  serviceId: string;
}): CloudEvent {
  const { senderAccountId, ...detail } = input;
  return {
    version: '0',
    id: randomUUID(),
    'detail-type': ENDPOINT_CREATED_DETAIL_TYPE,
    source: CONTROL_PLANE_SOURCE,
    account: senderAccountId,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: input.region,
    resources: [],
    detail: { ...detail, decided: { ownerInScope: true, vpcTagged: true } },
  };
}
