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
  /** Seconds the copy of the notification waits before it is visible again in the queue. */
  readonly delaySeconds: number;
  /** Seconds from the connection's creation to the notification entering the queue (negative: clocks apart). */
  readonly lagSeconds: number;
}

/**
 * Which of the connections named by untrusted notifications to decide later instead of now: those still awaiting
 * acceptance, not carried by a trusted hand-off in the same batch, whose notification entered the queue less than
 * `deferSeconds` after the connection was created. The copy waits the rest of the period.
 *
 * The period is counted in queue time, not in the connection's age. The notification and its hand-off go through the
 * same queue, the hand-off at most `deferSeconds` behind; when the queue has a backlog (a rollout creates endpoints
 * faster than the hub's Accept rate takes them: the 10,000-account case), both wait in it, and a notification
 * received after a long wait is old without its hand-off having been received. Deciding it by its age would then
 * read Organizations for every such owner, the reads the hand-off exists to spare. A copy joins the back of the
 * queue (a standard queue keeps order on a best-effort basis), so it usually waits out the backlog again besides its
 * delay: its hand-off, sent at most `deferSeconds` after the notification, is then ahead of it. When it is not, the
 * copy is only decided on re-read facts, as without deferral.
 *
 * `notified` holds only original notifications: a returned copy is decided when it comes back (the handler tells the
 * copies by their message attribute), so a notification is deferred at most once. Everything else is decided now: a
 * trusted hand-off costs nothing to decide, a connection no longer pending has nothing to decide, a connection without
 * a creation time or a notification without a usable queue stamp (none, or one a whole period before the creation)
 * cannot be timed, and a notification queued
 * `deferSeconds` or more after the creation (EC2 late, a redrive) would wait for a hand-off long since sent. A
 * notification stamped before the creation (the two clocks a little apart) waits the whole period, never more.
 */
export function connectionsToDefer(
  connections: readonly ConnectionFacts[],
  criteria: {
    /** Per endpoint id named by an original (never deferred) Connect notification: when it entered the queue, epoch ms. */
    readonly notified: ReadonlyMap<string, number>;
    /** Endpoint ids carried by trusted hand-offs in the batch. */
    readonly trusted: ReadonlySet<string>;
    readonly deferSeconds?: number;
  },
): Deferral[] {
  const deferSeconds = criteria.deferSeconds ?? DEFER_SECONDS;
  // Whole seconds: the delay is SQS's DelaySeconds, an integer.
  if (!(Number.isInteger(deferSeconds) && deferSeconds > 0 && deferSeconds <= MAX_DELAY_SECONDS)) throw new Error(`deferSeconds must be a whole number in (0, ${MAX_DELAY_SECONDS}], got ${deferSeconds}`);
  return connections.flatMap((c): Deferral[] => {
    if (criteria.trusted.has(c.endpointId)) return [];
    // An endpoint no original notification named has no stamp: NaN, which the lag's check below refuses.
    const queuedAt = criteria.notified.get(c.endpointId) ?? Number.NaN;
    // Stryker disable next-line ConditionalExpression: without a creation time the lag below is NaN, which its check refuses as well; said here for the reader.
    if (c.state !== 'pendingAcceptance' || c.createdAt === undefined) return [];
    const lagSeconds = (queuedAt - c.createdAt) / 1000;
    // A stamp a whole period before the creation is no clock drift but a stamp that cannot be read (SentTimestamp "0").
    if (!(lagSeconds < deferSeconds && lagSeconds > -deferSeconds)) return [];
    // Rounded up: the copy must not come back before its hand-off has had the whole period.
    return [{ endpointId: c.endpointId, ownerAccountId: c.ownerAccountId, delaySeconds: Math.min(deferSeconds, Math.ceil(deferSeconds - lagSeconds)), lagSeconds }];
  });
}
