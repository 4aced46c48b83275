import type * as z from 'zod';
import { CONTROL_PLANE_SOURCE } from '../patterns';
import { parseOrThrow } from './errors';

/** A PutEvents entry (EventBridge PutEventsRequestEntry) the control plane puts on its hub bus. */
export interface ControlPlaneEventEntry {
  Source: string;
  DetailType: string;
  Detail: string;
  EventBusName: string;
  Resources: string[];
}

/** Validates the detail with its schema before it is sent, so a bad detail fails here and not in a consumer. */
export function controlPlaneEntry<S extends z.ZodType>(
  detailType: string,
  schema: S,
  detail: z.input<S>,
  eventBusName: string,
  resources: (valid: z.output<S>) => string[] = () => [],
): ControlPlaneEventEntry {
  const valid = parseOrThrow(schema, detail, `${detailType} detail`);
  return { Source: CONTROL_PLANE_SOURCE, DetailType: detailType, Detail: JSON.stringify(valid), EventBusName: eventBusName, Resources: resources(valid) };
}
