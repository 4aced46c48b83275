/** Building blocks shared by the event schemas. Unknown fields are always accepted (loose objects). */
import * as z from 'zod';

export const accountIdSchema = z.string().regex(/^\d{12}$/, 'expected a 12-digit account id');
export const regionSchema = z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'expected an AWS region such as eu-west-2');
export const vpcIdSchema = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, 'expected a VPC id such as vpc-0abc12345def67890');
export const vpcEndpointIdSchema = z
  .string()
  .regex(/^vpce-[0-9a-f]{8,17}$/, 'expected a VPC endpoint id such as vpce-0abc12345def67890');
export const serviceIdSchema = z
  .string()
  .regex(/^vpce-svc-[0-9a-f]{8,17}$/, 'expected an endpoint service id such as vpce-svc-0abc12345def67890');

/** An account's parents, nearest first, up to the root (an organization is at most 5 OU levels deep). */
export const ancestorIdsSchema = z
  .array(z.string().regex(/^(ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|r-[0-9a-z]{4,32})$/, 'expected an OU or root id'))
  .max(8);

/** The EventBridge envelope (version 0) with a given detail schema. */
export function eventBridgeEnvelope<D extends z.ZodType>(detail: D) {
  return z.looseObject({
    version: z.literal('0'),
    id: z.string().min(1),
    'detail-type': z.string(),
    source: z.string(),
    account: accountIdSchema,
    time: z.string(),
    region: regionSchema,
    resources: z.array(z.string()),
    detail,
  });
}

export const anyEventBridgeEvent = eventBridgeEnvelope(z.looseObject({}));
export type AnyEventBridgeEvent = z.output<typeof anyEventBridgeEvent>;
