/**
 * CDK's `events.EventPattern` spells the envelope fields in camelCase (`detailType`) and renders them
 * back to EventBridge JSON at synth. This turns a pattern from patterns.ts into that shape, so the rule
 * CDK deploys is exactly the pattern the local bus matches (a test synthesizes it and compares).
 */
import type { aws_events as events } from 'aws-cdk-lib';
import type { EventPattern } from './pattern-types';

const ENVELOPE_FIELDS: Record<string, keyof events.EventPattern> = {
  version: 'version',
  id: 'id',
  'detail-type': 'detailType',
  source: 'source',
  account: 'account',
  time: 'time',
  region: 'region',
  resources: 'resources',
  detail: 'detail',
};

export function toCdkEventPattern(pattern: EventPattern): events.EventPattern {
  const fields = Object.entries(pattern).map(([field, value]) => {
    const cdkField = ENVELOPE_FIELDS[field];
    if (!cdkField) {
      // CDK's EventPattern has no place for other top-level fields (nor a top-level $or).
      throw new Error(`pattern field "${field}" cannot be expressed in a CDK EventPattern; move it under detail`);
    }
    return [cdkField, value];
  });
  return Object.fromEntries(fields) as events.EventPattern;
}
