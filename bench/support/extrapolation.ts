/**
 * The fan-out rollout at a size this machine cannot run (10,000 accounts), extrapolated from a measured run with its
 * assumptions spelled out: the figures are arithmetic on the token-bucket floor and the measured rates, not a
 * measurement, and the results file says so.
 */
import { BUCKETS, fanOutFloor } from './floor';

export interface MeasuredFanOut {
  readonly accounts: number;
  readonly vpcsPerAccount: number;
  readonly endpointPendingSeconds: number;
  readonly wallSeconds: number;
  readonly floorSeconds: number;
  readonly callsByAction: Readonly<Record<string, number>>;
}

export interface Extrapolation {
  readonly accounts: number;
  readonly vpcsPerAccount: number;
  readonly floorSeconds: number;
  readonly criticalPath: string;
  /** The measured wall / floor ratio, carried over. */
  readonly assumedRatio: number;
  readonly wallSeconds: number;
  /** Organizations calls scaled per account from the measured run, and the seconds of the shared rate they take. */
  readonly organizationsCalls: number;
  readonly organizationsSeconds: number;
  readonly assumptions: readonly string[];
}

/** Scales a measured fan-out run to `accounts` accounts with the same VPCs per account. */
export function extrapolateFanOut(measured: MeasuredFanOut, accounts: number): Extrapolation {
  const floor = fanOutFloor({ accounts, vpcsPerAccount: measured.vpcsPerAccount, endpointPendingSeconds: measured.endpointPendingSeconds });
  const ratio = measured.wallSeconds / measured.floorSeconds;
  const measuredOrganizations = Object.entries(measured.callsByAction)
    .filter(([key]) => key.startsWith('organizations:'))
    .reduce((sum, [, n]) => sum + n, 0);
  const organizationsCalls = Math.round((measuredOrganizations * accounts) / measured.accounts);
  return {
    accounts,
    vpcsPerAccount: measured.vpcsPerAccount,
    floorSeconds: round(floor.floorSeconds),
    criticalPath: floor.criticalPath,
    assumedRatio: round(ratio),
    wallSeconds: round(ratio * floor.floorSeconds),
    organizationsCalls,
    organizationsSeconds: round(organizationsCalls / BUCKETS.organizations.refillPerSecond),
    assumptions: [
      `the wall/floor ratio measured at ${measured.accounts} x ${measured.vpcsPerAccount} (${round(ratio)}) holds: overheads grow with the critical path (${floor.criticalPath}), not faster`,
      'Organizations calls grow linearly with accounts (tree-walk pages per reconciler invocation; acceptance makes none for trusted hand-offs), so they stay off the critical path while their seconds are below the floor',
      'Lambda runs the account reconcilers (max concurrency from the CDK app) in separate environments: this machine\'s 2 shared cores, the limit here, are not',
      'the same throttles as the local cloud (EC2, STS and EventBridge as documented; Organizations publishes no rate, 10/s assumed)',
    ],
  };
}

const round = (n: number) => Math.round(n * 100) / 100;
