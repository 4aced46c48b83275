import type { ScaledClock } from './clock';

export interface BucketSpec {
  /** Maximum tokens (the burst). */
  capacity: number;
  /** Tokens added per emulated second. */
  refillPerSecond: number;
}

/**
 * Buckets for services that do not declare their own (ServiceModule.throttleBuckets). EC2 declares
 * AWS's published numbers itself (aws-facts.md); AWS publishes no token buckets for these, so they
 * are modest guesses.
 */
export const DEFAULT_BUCKETS: Readonly<Record<string, BucketSpec>> = {
  'organizations:default': { capacity: 20, refillPerSecond: 10 },
  'ram:default': { capacity: 20, refillPerSecond: 10 },
  // Documented: 600 requests per second per account and Region (IAM User Guide, "STS request quotas"); no burst published.
  'sts:default': { capacity: 600, refillPerSecond: 600 },
};

const FALLBACK: BucketSpec = { capacity: 50, refillPerSecond: 5 };

interface Bucket {
  tokens: number;
  updatedAt: number;
  spec: BucketSpec;
}

/**
 * Token buckets per (scope, service, class), refilled in emulated time. The scope is the caller's account and
 * region for most services; a service whose limits follow something else names its own (S3: a bucket prefix).
 */
export class Throttler {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: ScaledClock,
    /** Overrides by `service:class` (or bare class name), applied over module and default specs. */
    private readonly overrides: Readonly<Record<string, BucketSpec>>,
    public enabled: boolean,
  ) {}

  /** Takes one token from the caller's (account, region) bucket; false when it is empty (the call must be throttled). */
  take(accountId: string, region: string, service: string, cls: string, moduleSpecs?: Readonly<Record<string, BucketSpec>>): boolean {
    return this.takeIn(`${accountId}|${region}`, service, cls, moduleSpecs);
  }

  /** Takes one token from the bucket of `scope`; false when it is empty. */
  takeIn(scope: string, service: string, cls: string, moduleSpecs?: Readonly<Record<string, BucketSpec>>): boolean {
    if (!this.enabled) return true;
    const key = `${scope}|${service}:${cls}`;
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const spec = this.specFor(service, cls, moduleSpecs);
      bucket = { tokens: spec.capacity, updatedAt: now, spec };
      this.buckets.set(key, bucket);
    } else {
      const elapsedSeconds = (now - bucket.updatedAt) / 1000;
      bucket.tokens = Math.min(bucket.spec.capacity, bucket.tokens + elapsedSeconds * bucket.spec.refillPerSecond);
      bucket.updatedAt = now;
    }
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  private specFor(service: string, cls: string, moduleSpecs?: Readonly<Record<string, BucketSpec>>): BucketSpec {
    const qualified = `${service}:${cls}`;
    return (
      this.overrides[qualified] ??
      this.overrides[cls] ??
      moduleSpecs?.[cls] ??
      DEFAULT_BUCKETS[qualified] ??
      FALLBACK
    );
  }
}
