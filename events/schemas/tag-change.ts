/**
 * "Tag Change on Resource" (source aws.tag): emitted in the resource's own account and region and
 * forwarded by the spoke rule to the hub bus, unchanged. Best effort: may be lost, duplicated, reordered.
 */
import * as z from 'zod';
import { DEFAULT_POLICY_TAG_KEY, DEFAULT_PROXY_TAG_KEY, TAG_CHANGE_DETAIL_TYPE, TAG_SOURCE } from '../patterns';
import { eventBridgeEnvelope, vpcIdSchema } from './common';
import { MalformedEventError, parseOrThrow } from './errors';
import type { IgnoredEvent, VpcScope } from './scope';

const KIND = 'tag change event';

export const tagChangeEventSchema = eventBridgeEnvelope(
  z.looseObject({
    'changed-tag-keys': z.array(z.string()).min(1),
    service: z.string(),
    'resource-type': z.string(),
    version: z.number().optional(),
    /** The tags after the change; a removed key appears only in changed-tag-keys. */
    tags: z.record(z.string(), z.string()).optional(),
  }),
).extend({
  source: z.literal(TAG_SOURCE),
  'detail-type': z.literal(TAG_CHANGE_DETAIL_TYPE),
  resources: z.array(z.string()).min(1, 'expected the ARN of the changed resource'),
});
export type TagChangeEvent = z.output<typeof tagChangeEventSchema>;

export interface TagChangeOptions {
  /** @default 'egress-proxy' */
  proxyTagKey?: string;
  /** @default 'egress-proxy-policy' */
  policyTagKey?: string;
}

/** arn:aws:ec2:eu-west-2:123456789012:vpc/vpc-0abc... */
const VPC_ARN = /^arn:aws[\w-]*:ec2:([a-z0-9-]+):(\d{12}):vpc\/(.+)$/;

/** Which VPC a tag change is about, or why it asks for nothing. */
export function parseTagChangeEvent(input: unknown, options: TagChangeOptions = {}): VpcScope | IgnoredEvent {
  const watchedKeys = [options.proxyTagKey ?? DEFAULT_PROXY_TAG_KEY, options.policyTagKey ?? DEFAULT_POLICY_TAG_KEY];
  const event = parseOrThrow(tagChangeEventSchema, input, KIND);
  const { detail } = event;
  const eventId = event.id;
  if (detail.service !== 'ec2' || detail['resource-type'] !== 'vpc') {
    return { kind: 'ignored', eventId, reason: `tag change on ${detail.service} ${detail['resource-type']}, not a VPC` };
  }
  const changedTagKeys = detail['changed-tag-keys'];
  if (!changedTagKeys.some((key) => watchedKeys.includes(key))) {
    return { kind: 'ignored', eventId, reason: `changed tags ${changedTagKeys.join(', ')} include neither ${watchedKeys.join(' nor ')}` };
  }
  const arn = event.resources.find((resource) => VPC_ARN.test(resource));
  const match = arn ? VPC_ARN.exec(arn) : null;
  if (!match) {
    throw new MalformedEventError(KIND, `resources: no VPC ARN in ${JSON.stringify(event.resources)}`);
  }
  const [, region, accountId, vpcId] = match;
  // EventBridge stamps `account` and `region` on delivery; an ARN pointing elsewhere is not trusted.
  if (accountId !== event.account || region !== event.region) {
    throw new MalformedEventError(
      KIND,
      `resources[0]: VPC ARN ${arn} is not in the event's account ${event.account} and region ${event.region}`,
    );
  }
  const parsedVpcId = vpcIdSchema.safeParse(vpcId);
  if (!parsedVpcId.success) {
    const message =
      // Stryker disable next-line OptionalChaining,StringLiteral: never used, a failed parse has at least one issue
      parsedVpcId.error.issues[0]?.message ?? 'bad VPC id';
    throw new MalformedEventError(KIND, `resources[0]: ${message}`);
  }
  return { kind: 'vpc', accountId, region, vpcId: parsedVpcId.data, eventId, senderAccountId: event.account, changedTagKeys };
}
