/**
 * What a run costs the organization-wide rates it shares with everyone else: the calls it made against a bucket, the
 * seconds of refill they take (calls / refill rate), and that as a share of a period (the reconciler's schedule).
 */
import { scheduleIntervalSeconds } from '../../local/bus/schedule-expression';
import { RECONCILER_SCHEDULE } from '../../events/routes';
import type { BucketSpec } from '../../local/cloud/core/throttle';

export interface RateCost {
  readonly calls: number;
  /** Seconds of the bucket's refill the calls use. */
  readonly refillSeconds: number;
  /** refillSeconds as a share of the schedule's period. */
  readonly shareOfPeriod: number;
}

export const SCHEDULE_PERIOD_SECONDS = scheduleIntervalSeconds(RECONCILER_SCHEDULE.expression);

/** Calls of `service` (the `service:Action` keys of the local cloud's metrics) against its bucket. */
export function rateCost(callsByAction: Readonly<Record<string, number>>, service: string, bucket: BucketSpec): RateCost {
  const calls = Object.entries(callsByAction)
    .filter(([key]) => key.startsWith(`${service}:`))
    .reduce((sum, [, n]) => sum + n, 0);
  const refillSeconds = calls / bucket.refillPerSecond;
  return { calls, refillSeconds: round(refillSeconds), shareOfPeriod: round(refillSeconds / SCHEDULE_PERIOD_SECONDS, 4) };
}

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
