/**
 * Options shared by every SDK client. Standard retry mode retries throttles (`RequestLimitExceeded`,
 * `TooManyRequestsException`, `ThrottlingException`) with backoff; `maxAttempts` comes from AWS_MAX_ATTEMPTS via the
 * validated config. Endpoints are left to the SDK, which honours AWS_ENDPOINT_URL (the local cloud).
 */
export function clientOptions(maxAttempts: number, region?: string) {
  return { maxAttempts, retryMode: 'standard', ...(region === undefined ? {} : { region }) } as const;
}

/**
 * Attempts at least, for a client whose rate is shared beyond this process. The SDK backs off a throttle by a random
 * share of min(1 s x 2^retry, 20 s), so 10 attempts wait up to ~1 minute in all (~35 s expected): long enough for
 * the other callers of the shared rate to drain their bursts, short against the reconciler's 15-minute timeout.
 */
export const SHARED_RATE_MIN_ATTEMPTS = 10;

/**
 * Organizations, STS, EventBridge's PutEvents and the hub's EC2 buckets (Accept, Reject, permissions, describes):
 * their rate is one bucket per calling account (Organizations' for the whole organization), drawn on by every
 * environment of every function at once: two reconciler invocations overlapping at a continuation, account
 * reconcilers, both acceptance environments. Each process paces itself (core/pacing.ts) but cannot see the others,
 * so under contention the service throttles and the SDK's retry is what absorbs it. Adaptive mode makes a
 * throttled client slow its own sending rate (the SDK's CUBIC rate limiter) rather than only back off the one call,
 * and the higher attempt count keeps a throttled call from failing a whole step (a failed `ListAccountsForParent`
 * used to end a fan-out continuation: bench/results/fan-out-1000x3.json).
 */
export function sharedRateClientOptions(maxAttempts: number, region?: string) {
  return {
    maxAttempts: Math.max(maxAttempts, SHARED_RATE_MIN_ATTEMPTS),
    retryMode: 'adaptive',
    ...(region === undefined ? {} : { region }),
  } as const;
}
