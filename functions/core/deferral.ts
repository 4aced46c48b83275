import type { ConnectionFacts } from './connections';

/**
 * How long acceptance holds back an untrusted Connect notification before deciding it the expensive way (the owner's
 * DescribeAccount plus ListParents chain against Organizations' organization-wide rate, an AssumeRole and spoke reads).
 *
 * EC2 publishes the Connect notification at CreateVpcEndpoint; the control plane's own hand-off for the same endpoint
 * follows once the creating pass has converged the rest of the account's VPCs (converge/account.ts) and put the
 * event on the hub bus. At the spoke's CreateVpcEndpoint bucket (4 at once, then one per ~3.3 s: core/pacing.ts) an
 * account's first four endpoints are created at once and each further one adds ~3.3 s, so 30 s covers a pass over
 * about a dozen new endpoints plus the hub bus's delivery and the acceptance queue's 5 s batching window. Longer
 * would only delay endpoints created outside the control plane (accepted this much later than without deferral);
 * a hand-off later than this is still trusted when it arrives, the owner has just been read once more.
 */
export const DEFER_SECONDS = 30;

/** SQS's per-message timer: DelaySeconds is 0-900. */
export const MAX_DELAY_SECONDS = 900;

export interface Deferral {
  readonly endpointId: string;
  /** The connection's owner (the audit record's account). */
  readonly ownerAccountId: string;
  /** Seconds the copy of the notification waits in the queue: until the connection is DEFER_SECONDS old. */
  readonly delaySeconds: number;
  readonly ageSeconds: number;
}

/**
 * Which of the connections named by untrusted notifications to decide later instead of now: those still awaiting
 * acceptance, not carried by a trusted hand-off in the same batch, and younger than `deferSeconds` by their
 * creation time. Everything else is decided now: a trusted hand-off costs nothing to decide, a connection no longer
 * pending has nothing to decide, and a connection without a creation time (or one stamped in the future, a clock
 * that disagrees with ours) cannot be aged, so waiting could not be bounded.
 *
 * At most one deferral per notification: the copy comes back after `deferSeconds - age` seconds, when the same
 * connection's age (read again then) is at least `deferSeconds`, so the copy is decided. No counter is needed.
 */
export function connectionsToDefer(
  connections: readonly ConnectionFacts[],
  criteria: {
    /** Endpoint ids named by untrusted Connect notifications in the batch (the only records that can be deferred). */
    readonly notified: ReadonlySet<string>;
    /** Endpoint ids carried by trusted hand-offs in the batch. */
    readonly trusted: ReadonlySet<string>;
    /** Epoch ms, on the clock the creation times come from. */
    readonly now: number;
    readonly deferSeconds?: number;
  },
): Deferral[] {
  const deferSeconds = criteria.deferSeconds ?? DEFER_SECONDS;
  if (!(deferSeconds > 0 && deferSeconds <= MAX_DELAY_SECONDS)) throw new Error(`deferSeconds must be in (0, ${MAX_DELAY_SECONDS}], got ${deferSeconds}`);
  return connections.flatMap((c): Deferral[] => {
    if (!criteria.notified.has(c.endpointId) || criteria.trusted.has(c.endpointId)) return [];
    // Stryker disable next-line ConditionalExpression: without a creation time the age below is NaN, which its check refuses as well; said here for the reader.
    if (c.state !== 'pendingAcceptance' || c.createdAt === undefined) return [];
    const ageSeconds = (criteria.now - c.createdAt) / 1000;
    if (!(ageSeconds >= 0 && ageSeconds < deferSeconds)) return [];
    // Rounded up: the copy must not come back before the connection is deferSeconds old, or it could be deferred again.
    return [{ endpointId: c.endpointId, ownerAccountId: c.ownerAccountId, delaySeconds: Math.ceil(deferSeconds - ageSeconds), ageSeconds }];
  });
}
