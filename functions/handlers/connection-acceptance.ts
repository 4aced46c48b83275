import type { SQSEvent, SQSRecord } from 'aws-lambda';
import type { ConnectionsScope, EndpointScope } from '../../events/schemas/scope';
import { parseConnectionAcceptanceMessage } from '../../events/schemas/queue-messages';
import type { ScopeDecision } from '../core/scope';
import type { Deferral } from '../core/deferral';
import { isDeferredCopy, sendDelayed, type AcceptanceQueue } from '../aws/acceptance-queue';
import { convergePendingConnections, type EndpointVpc } from '../converge/connections';
import { mapSettled, toError } from '../converge/bounded';
import { accountScopeCache } from '../converge/vpc';
import { audit } from '../shared/audit';
import { withLambdaContext } from '../shared/middleware';
import { ownAccountId } from '../shared/own-account';
import type { Runtime } from '../shared/runtime';
import { processBatch, type ParsedRecord, type RecordFailures } from '../shared/sqs-batch';

/**
 * Connection notifications (SNS -> SQS) and the hand-offs of the functions that create endpoints (EventBridge ->
 * SQS). One pass per batch decides the pending connections and makes one Accept and one Reject call for the batch.
 *
 * What is re-read depends on who sent the records. A hand-off the control plane's own account put on the hub bus
 * (EventBridge stamps `account` from the caller's credentials; the function knows its account from its ARN) carries
 * what the creating step read moments ago: the owner in scope and the VPC tagged. Those are taken on trust, the same
 * rule the account work items follow (handlers/account-reconciler.ts): no Organizations call for its owner
 * (membership is DescribeAccount plus a ListParents chain, >= 2 calls per owner against one organization-wide rate,
 * the critical path of a 10,000-account rollout) and no spoke read for its endpoint. Every endpoint the control plane
 * creates is also announced by the service's Connect notification, usually in the same batch (5 s window): one that
 * names an endpoint asks only about that connection, which is then free when a trusted hand-off carries it, already
 * accepted, or else decided on re-read facts. A batch of such records decides only the connections it names.
 * Anything else (a notification naming no endpoint, a hand-off from another account or without what it read) makes
 * the pass re-read every pending connection, each owner's membership and the endpoints' VPC tags.
 *
 * Deferral. EC2 publishes the Connect notification at CreateVpcEndpoint and the creating pass hands the endpoint off
 * only after the rest of its account's VPCs, so in a rollout the notification often lands in an earlier batch than
 * its hand-off, and deciding it then costs exactly the reads the hand-off exists to spare (measured: 268
 * DescribeAccount for 200 accounts, the critical path of the fan-out). So a notification naming an endpoint whose
 * connection is still pendingAcceptance, that entered the queue less than DEFER_SECONDS (core/deferral.ts) after the
 * connection's CreationTimestamp (from the describe this pass makes anyway; the queue stamp is SQS's SentTimestamp)
 * and is carried by no trusted hand-off in the batch, is not decided: a copy of its body goes back to this queue with
 * SQS's per-message DelaySeconds for the rest of that period, marked as a copy (a message attribute), and the
 * original counts as handled. Queue time, not the connection's age: in a backlog the notification and its hand-off
 * wait alike, so an old notification says nothing about its hand-off (10,000 accounts: ~50,000 messages queued).
 * By the time the copy is received, the hand-off has usually accepted it (the copy costs one describe); otherwise the
 * copy is decided as before, never deferred again. An endpoint created outside the control plane is accepted about
 * DEFER_SECONDS (plus, in a backlog, one more wait in the queue) later than without deferral. Nothing is lost: a
 * copy SQS does not take fails the original record, which SQS delivers again. Without ACCEPTANCE_QUEUE_URL nothing
 * is deferred.
 */
export function connectionAcceptanceHandler(runtime: Runtime) {
  return withLambdaContext(async (event: SQSEvent, context) =>
    processBatch(
      event,
      context,
      (record) => parseConnectionAcceptanceMessage(record.body),
      async (records) => {
        const hubAccountId = ownAccountId(context);
        // The records as SQS delivered them: their SentTimestamp, message attributes and bodies.
        const rawById = new Map(event.Records.map((r) => [r.messageId, r]));
        const trusted = records
          .map(({ scope }) => scope)
          .filter((scope): scope is TrustedHandOff => scope.kind === 'endpoint' && scope.senderAccountId === hubAccountId && scope.decided !== undefined);
        const { scopeOf, knownVpcs } = trustedFacts(runtime, trusted);
        // A Connect notification that names its endpoint asks about that one connection; one that names none (its
        // body is undocumented) or an untrusted hand-off makes the pass sweep every pending connection.
        const trustedScopes = new Set<EndpointScope | ConnectionsScope>(trusted);
        const named = records.map(({ scope }) => (trustedScopes.has(scope) || scope.kind === 'connections' ? scope.vpcEndpointId : undefined));
        const onlyNamed = named.every((id) => id !== undefined);
        const correlationId = [...new Set(records.map((r) => r.scope.eventId))].join(',').slice(0, 512);
        const { errors, deferred } = await convergePendingConnections(runtime, scopeOf, {
          dryRun: false,
          correlationId,
          knownVpcs,
          ...(onlyNamed ? { endpointIds: [...new Set(named)] } : {}),
          ...(runtime.acceptanceQueue === undefined
            ? {}
            : { defer: { notified: notificationsQueuedAt(records, rawById), trusted: new Set(trusted.map((t) => t.vpcEndpointId)) } }),
        });
        if (runtime.acceptanceQueue !== undefined) {
          for (const [endpointId, error] of await deferNotifications(runtime.acceptanceQueue, records, rawById, deferred)) errors.set(endpointId, error);
        }
        const anyError = errors.values().next().value;
        const failures: RecordFailures = new Map();
        for (const { messageId, scope } of records) {
          // A record naming an endpoint fails only with that endpoint; a bare notification fails if anything did.
          const error = scope.vpcEndpointId === undefined ? anyError : errors.get(scope.vpcEndpointId);
          if (error !== undefined) failures.set(messageId, error);
        }
        return failures;
      },
    ),
  );
}

/**
 * Per endpoint named by an original Connect notification in the batch: when the earliest such notification entered
 * the queue (an unreadable SentTimestamp gives NaN, which the deferral refuses: decided now). An endpoint a returned
 * copy also names is left out: its wait is over, whatever a duplicate original says (a copy is never deferred again).
 */
function notificationsQueuedAt(records: readonly ParsedRecord<EndpointScope | ConnectionsScope>[], rawById: ReadonlyMap<string, SQSRecord>): Map<string, number> {
  const queuedAt = new Map<string, number>();
  const copied = new Set<string>();
  for (const { messageId, scope } of records) {
    const record = rawById.get(messageId);
    if (scope.kind !== 'connections' || scope.vpcEndpointId === undefined || record === undefined) continue;
    if (isDeferredCopy(record)) {
      copied.add(scope.vpcEndpointId);
      continue;
    }
    const sentAt = Number(record.attributes.SentTimestamp);
    queuedAt.set(scope.vpcEndpointId, Math.min(sentAt, queuedAt.get(scope.vpcEndpointId) ?? sentAt));
  }
  for (const endpointId of copied) queuedAt.delete(endpointId);
  return queuedAt;
}

/** Delayed copies sent at once (SQS takes thousands of SendMessage calls per second per queue). */
const DEFERRED_SENDS_IN_FLIGHT = 10;

/**
 * Sends one delayed copy per deferred connection: the body of the first notification that named it (duplicates in
 * the batch say the same). Returns, per endpoint id, why its copy could not be sent: every record naming that
 * endpoint then fails, so SQS delivers it again rather than the notification being lost.
 */
async function deferNotifications(
  queue: AcceptanceQueue,
  records: readonly ParsedRecord<EndpointScope | ConnectionsScope>[],
  rawById: ReadonlyMap<string, SQSRecord>,
  deferred: readonly Deferral[],
): Promise<Map<string, Error>> {
  const errors = new Map<string, Error>();
  // The first notification naming each endpoint: the copy's body, and the record its audit line correlates with.
  const notificationOf = new Map<string, ParsedRecord<EndpointScope | ConnectionsScope>>();
  for (const record of records) {
    const { scope } = record;
    if (scope.kind === 'connections' && scope.vpcEndpointId !== undefined && !notificationOf.has(scope.vpcEndpointId)) notificationOf.set(scope.vpcEndpointId, record);
  }
  // A batch of 3,000 messages can defer a thousand: a few sends in flight rather than one round trip after another.
  await mapSettled(deferred, DEFERRED_SENDS_IN_FLIGHT, async ({ endpointId, ownerAccountId, delaySeconds, lagSeconds }) => {
    const record = notificationOf.get(endpointId);
    const body = record === undefined ? undefined : rawById.get(record.messageId)?.body;
    if (record === undefined || body === undefined) {
      errors.set(endpointId, new Error(`no notification in the batch names deferred endpoint ${endpointId}`));
      return;
    }
    const auditScope = { accountId: ownerAccountId, endpointId };
    const why = `Connect notification queued ${lagSeconds.toFixed(1)} s after the connection's creation, with no trusted hand-off in the batch`;
    try {
      const copyId = await sendDelayed(queue, body, delaySeconds, record.messageId);
      audit({
        action: 'connection.defer',
        scope: auditScope,
        decision: 'noop',
        reason: `${why}: decided in ${delaySeconds} s (message ${copyId}), when the control plane's hand-off has had time to accept it without Organizations reads`,
        dryRun: false,
        correlationId: record.scope.eventId,
      });
    } catch (caught) {
      const error = toError(caught);
      errors.set(endpointId, error);
      audit({
        action: 'connection.defer',
        scope: auditScope,
        decision: 'error',
        reason: `${why}: its delayed copy was not sent (${error.name}: ${error.message}); the notification is delivered again`,
        dryRun: false,
        correlationId: record.scope.eventId,
      });
    }
  });
  return errors;
}

type TrustedHandOff = EndpointScope & { decided: NonNullable<EndpointScope['decided']> };

/**
 * The owners' scope and the endpoints' VPCs as the trusted hand-offs carry them; every other owner is re-read.
 * Only the proxy tag is carried (the one tag the verdict reads), so the known VPC holds just that tag.
 */
function trustedFacts(runtime: Runtime, handOffs: readonly TrustedHandOff[]) {
  const { key, value } = runtime.config.proxyTag;
  const owners = new Map<string, ScopeDecision>();
  const knownVpcs = new Map<string, EndpointVpc>();
  for (const handOff of handOffs) {
    const ancestors = handOff.decided.ownerAncestorIds === undefined ? {} : { ancestorIds: handOff.decided.ownerAncestorIds };
    owners.set(handOff.accountId, { inScope: true, reason: `in scope when the control plane read it (event ${handOff.eventId})`, ...ancestors });
    knownVpcs.set(handOff.vpcEndpointId, { vpcId: handOff.vpcId, tags: { [key]: value } });
  }
  const readScope = accountScopeCache(runtime);
  const scopeOf = (accountId: string) => {
    const carried = owners.get(accountId);
    return carried === undefined ? readScope(accountId) : Promise.resolve(carried);
  };
  return { scopeOf, knownVpcs };
}
