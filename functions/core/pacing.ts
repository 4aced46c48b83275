/**
 * Client-side pacing against EC2's request token buckets (aws-facts.md) and Organizations' request rate, so a burst
 * of work waits for tokens instead of spending SDK retries (and their growing backoff) on `RequestLimitExceeded` or
 * `TooManyRequestsException`. The SDK's retry stays the backstop: other callers (another Lambda instance, a person in
 * the console) draw from the same account bucket.
 */

export interface BucketSpec {
  /** Tokens available in a burst. */
  readonly capacity: number;
  /** Tokens added per second. */
  readonly refillPerSecond: number;
}

/** EC2's per-account buckets for the calls the control plane makes in bursts. */
export const EC2_PACED_BUCKETS = {
  /** CreateVpcEndpoint, ModifyVpcEndpoint, DeleteVpcEndpoints: spoke side, per account and region. */
  vpcEndpoints: { capacity: 4, refillPerSecond: 0.3 },
  /** AcceptVpcEndpointConnections, RejectVpcEndpointConnections: hub side. */
  endpointConnections: { capacity: 10, refillPerSecond: 1 },
} as const satisfies Record<string, BucketSpec>;

/**
 * Organizations (a global service, one endpoint in us-east-1) throttles every operation of a caller together with
 * `TooManyRequestsException`. AWS does not publish a token bucket for it the way EC2 does (its quotas page lists
 * entity limits; practitioners meet throttling at a few to a few tens of calls per second), so this is the local
 * cloud's `organizations:default` bucket (local/cloud/core/throttle.ts), kept equal to it on purpose: the client
 * must not out-run the emulator it is measured against, and a lower real limit is still caught by the SDK's retry.
 */
export const ORGANIZATIONS_BUCKET: BucketSpec = { capacity: 20, refillPerSecond: 10 };

/**
 * STS: the reconciler assumes one spoke role per account, dozens at once. AWS documents 600 requests per second per
 * account and Region, shared by AssumeRole, GetCallerIdentity and the other credential calls (IAM User Guide, "STS
 * request quotas"), and publishes no burst: one second's worth, as the local cloud's `sts:default` bucket. Every
 * environment of every function paces itself to all of it, so 50 account reconcilers at once can still meet
 * throttling; the adaptive retries absorb that (found the hard way when the bench ran on a guessed 50 per second).
 */
export const STS_BUCKET: BucketSpec = { capacity: 600, refillPerSecond: 600 };

/** Which commands share which bucket (SDK command names, as the middleware sees them). */
export const PACED_COMMANDS: Readonly<Record<string, keyof typeof EC2_PACED_BUCKETS>> = {
  CreateVpcEndpointCommand: 'vpcEndpoints',
  ModifyVpcEndpointCommand: 'vpcEndpoints',
  DeleteVpcEndpointsCommand: 'vpcEndpoints',
  AcceptVpcEndpointConnectionsCommand: 'endpointConnections',
  RejectVpcEndpointConnectionsCommand: 'endpointConnections',
};

/**
 * Added to every wait: EC2 charges the token when the request arrives and measures refill with its own clock, so a
 * call sent the very millisecond our estimate says a token exists can still be throttled (seen on the local cloud,
 * whose clock counts whole milliseconds). Waits are measured from the reservation, so the margin does not add up.
 */
const SAFETY_MARGIN_MS = 50;

export interface PacerClock {
  /** Milliseconds, monotonic enough for spacing calls. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const systemClock: PacerClock = {
  now: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/**
 * A token bucket that hands out tokens in request order. A caller that finds it empty reserves the next token to
 * come (the count goes negative) and sleeps until it is due, so concurrent callers queue fairly without polling.
 */
export class TokenBucketPacer {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private readonly spec: BucketSpec,
    private readonly clock: PacerClock = systemClock,
  ) {
    if (!(spec.capacity >= 1) || !(spec.refillPerSecond > 0)) {
      throw new RangeError(`a bucket needs capacity >= 1 and a positive refill, got ${JSON.stringify(spec)}`);
    }
    this.tokens = spec.capacity;
    this.updatedAt = clock.now();
  }

  /** Reserves one token; returns how many ms the caller must wait before spending it (0 when one is at hand). */
  reserve(): number {
    const now = this.clock.now();
    this.tokens = Math.min(this.spec.capacity, this.tokens + ((now - this.updatedAt) / 1000) * this.spec.refillPerSecond);
    this.updatedAt = now;
    this.tokens -= 1;
    return this.tokens >= 0 ? 0 : Math.ceil((-this.tokens / this.spec.refillPerSecond) * 1000) + SAFETY_MARGIN_MS;
  }

  /** Resolves when the caller may make its call. */
  async take(): Promise<void> {
    const wait = this.reserve();
    if (wait > 0) await this.clock.sleep(wait);
  }
}

/**
 * One caller's share of a bucket that `callers` environments draw on at once, each pacing only itself: the shares add
 * up to the bucket, so together they are never throttled. Without it every environment paces to the whole bucket and
 * N of them send N times its rate; measured at 1,000 accounts x 3 VPCs, two acceptance environments each sending
 * Accept at 1/s exhausted the SDK's retries and their records waited out the queue's visibility timeout. The price: an
 * environment alone gets only its share (for Accept, one call every two seconds, each carrying up to 400 ids).
 */
export function shareOf(spec: BucketSpec, callers: number): BucketSpec {
  if (!Number.isInteger(callers) || callers < 1) throw new RangeError(`callers must be a whole number >= 1, got ${callers}`);
  // A share holds at least one token, or a caller could never call; rounding down keeps the shares within the burst.
  return { capacity: Math.max(1, Math.floor(spec.capacity / callers)), refillPerSecond: spec.refillPerSecond / callers };
}

export interface PacerOptions {
  /** How many environments call Accept/Reject on the hub's endpoint service at once (the acceptance queue's maximum concurrency). */
  readonly endpointConnectionCallers?: number;
}

/** One pacer per bucket, for one account and region (one SDK client). */
export function pacersFor(clock: PacerClock = systemClock, options: PacerOptions = {}): Record<keyof typeof EC2_PACED_BUCKETS, TokenBucketPacer> {
  return {
    vpcEndpoints: new TokenBucketPacer(EC2_PACED_BUCKETS.vpcEndpoints, clock),
    endpointConnections: new TokenBucketPacer(shareOf(EC2_PACED_BUCKETS.endpointConnections, options.endpointConnectionCallers ?? 1), clock),
  };
}
