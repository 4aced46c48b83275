/**
 * The shortest rollout the token buckets allow (aws-facts.md), in emulated seconds. Each critical path is the time
 * one bucket needs to serve its calls after its burst; the paths run in parallel (accounts have separate buckets,
 * hub-side accepts can overlap spoke-side creates), so the floor is the longest path plus the time an accepted
 * connection takes to become available.
 */
import { DEFAULT_BUCKETS, type BucketSpec } from '../../local/cloud/core/throttle';
import { EC2_THROTTLE_BUCKETS } from '../../local/cloud/ec2';
import { EVENTS_THROTTLE_BUCKETS } from '../../local/cloud/events';

export interface FloorInput {
  readonly accounts: number;
  readonly vpcsPerAccount: number;
  /** Emulated ms from accept to available (the local cloud's `endpointPendingMs`). */
  readonly endpointPendingSeconds: number;
}

/** The buckets the local cloud enforces, read from it: the floor is about the emulator the rollout runs against. */
export const BUCKETS = {
  createVpcEndpoint: EC2_THROTTLE_BUCKETS['vpc-endpoints'],
  acceptConnections: EC2_THROTTLE_BUCKETS['endpoint-connections'],
  ec2Mutating: EC2_THROTTLE_BUCKETS.mutating,
  sts: requiredBucket('sts:default'),
  organizations: requiredBucket('organizations:default'),
  events: EVENTS_THROTTLE_BUCKETS.PutEvents,
} as const satisfies Record<string, BucketSpec>;

function requiredBucket(key: string): BucketSpec {
  const bucket = DEFAULT_BUCKETS[key];
  if (bucket === undefined) throw new Error(`the local cloud declares no ${key} bucket`);
  return bucket;
}

export const ENDPOINT_IDS_PER_ACCEPT = 100;
/** PutEvents takes at most 10 entries per call. */
const ENTRIES_PER_PUT_EVENTS = 10;
/** ListAccountsForParent answers at most 20 accounts per page. */
const ACCOUNTS_PER_PAGE = 20;

/** Seconds a bucket needs to serve `calls` calls starting full. */
export function bucketSeconds(calls: number, bucket: BucketSpec): number {
  return Math.max(0, calls - bucket.capacity) / bucket.refillPerSecond;
}

export interface Floor {
  readonly paths: Record<string, { calls: number; seconds: number }>;
  readonly criticalPath: string;
  readonly floorSeconds: number;
  /** Hub-side mutating calls the batching allows: principals once, accepts per 100 endpoint ids. */
  readonly hubMutatingCallsMinimum: number;
}

export function rolloutFloor(input: FloorInput): Floor {
  const endpoints = input.accounts * input.vpcsPerAccount;
  const acceptCalls = Math.ceil(endpoints / ENDPOINT_IDS_PER_ACCEPT);
  const paths = {
    'spoke CreateVpcEndpoint per account': { calls: input.vpcsPerAccount, seconds: bucketSeconds(input.vpcsPerAccount, BUCKETS.createVpcEndpoint) },
    'hub AcceptVpcEndpointConnections': { calls: acceptCalls, seconds: bucketSeconds(acceptCalls, BUCKETS.acceptConnections) },
    'hub ModifyVpcEndpointServicePermissions': { calls: 1, seconds: bucketSeconds(1, BUCKETS.ec2Mutating) },
    // One AssumeRole per spoke account (plus the organization read role), all charged to the hub's STS bucket.
    'hub sts:AssumeRole': { calls: input.accounts + 1, seconds: bucketSeconds(input.accounts + 1, BUCKETS.sts) },
    'organizations ListAccountsForParent': {
      calls: Math.ceil(input.accounts / ACCOUNTS_PER_PAGE),
      seconds: bucketSeconds(Math.ceil(input.accounts / ACCOUNTS_PER_PAGE), BUCKETS.organizations),
    },
  };
  const [criticalPath, longest] = Object.entries(paths).reduce((a, b) => (b[1].seconds > a[1].seconds ? b : a));
  return {
    paths,
    criticalPath,
    floorSeconds: longest.seconds + input.endpointPendingSeconds,
    hubMutatingCallsMinimum: 1 + acceptCalls,
  };
}

/**
 * The fan-out rollout's floor: the inline rollout's paths, plus the hub bus's PutEvents bucket, which the fan-out
 * adds: the reconciler's work items (10 per call), and per account its endpoints' hand-off to acceptance and the
 * notice that its mapping shard changed (one call each).
 */
export function fanOutFloor(input: FloorInput): Floor {
  const inline = rolloutFloor(input);
  const putEventsCalls = Math.ceil(input.accounts / ENTRIES_PER_PUT_EVENTS) + input.accounts * (Math.ceil(input.vpcsPerAccount / ENTRIES_PER_PUT_EVENTS) + 1);
  const paths = {
    ...inline.paths,
    'hub events:PutEvents (work items, hand-offs, shard notices)': { calls: putEventsCalls, seconds: bucketSeconds(putEventsCalls, BUCKETS.events) },
  };
  const [criticalPath, longest] = Object.entries(paths).reduce((a, b) => (b[1].seconds > a[1].seconds ? b : a));
  return { ...inline, paths, criticalPath, floorSeconds: longest.seconds + input.endpointPendingSeconds };
}
