/**
 * Everything one seed decides about faults, drawn up front from that seed so a failing seed replays exactly:
 * the local cloud's injected 5xx answers, extra throttling (small token buckets) and event delivery faults, and the
 * bus's random batch order.
 */
import type { LocalCloudOptions } from '../../../local/cloud';
import type { ThrottlingOptions } from '../../../local/cloud/options';
import { seededRandom } from '../../../local/cloud/core/random';

export interface FaultPlan {
  readonly seed: number;
  /** Share of calls answered 500/503 once the control plane is deployed (see run-seed). */
  readonly errorRate: number;
  /** Delivery faults, id seed and the small buckets; the cloud starts with error injection and throttling off. */
  readonly cloud: Pick<LocalCloudOptions, 'faults' | 'idSeed'> & { throttling: ThrottlingOptions };
  /** Share of tagged VPCs whose first onboarding invocation dies right after the endpoint exists. */
  readonly crashShare: number;
  /** Seeded source for the scenario's own choices (which VPCs are tagged, who leaves...). */
  readonly random: () => number;
  /** Seeded source for the bus's batch order (standard queues do not keep order). */
  readonly busRandom: () => number;
}

const between = (random: () => number, min: number, max: number) => min + random() * (max - min);

export function faultPlanFor(seed: number): FaultPlan {
  const random = seededRandom(seed * 7919 + 17);
  const errorRate = between(random, 0.05, 0.1);
  return {
    seed,
    errorRate,
    cloud: {
      idSeed: seed,
      faults: {
        seed,
        errorRate,
        eventDrop: between(random, 0.05, 0.15),
        eventDuplicate: between(random, 0.1, 0.25),
        // Emulated ms: a few seconds of spread reorders tag events, hand-offs and notifications.
        eventDelayMs: [0, Math.round(between(random, 1000, 4000))],
      },
      // Below AWS's buckets, so the handlers meet RequestLimitExceeded and rely on the SDK's retries.
      throttling: {
        enabled: true,
        buckets: {
          // Emulated seconds: at time scale 50, 0.2/s is 10 calls per wall second, so bursts do meet the limit.
          'ec2:mutating': { capacity: 2, refillPerSecond: 0.2 },
          'ec2:vpc-endpoints': { capacity: 1, refillPerSecond: 0.1 },
          'ec2:endpoint-connections': { capacity: 1, refillPerSecond: 0.1 },
          'ec2:non-mutating': { capacity: 5, refillPerSecond: 1 },
        },
      },
    },
    crashShare: 0.4,
    random,
    busRandom: seededRandom(seed ^ 0xb05),
  };
}
