import type { SQSEvent } from 'aws-lambda';
import type { EndpointScope } from '../../events/schemas/scope';
import { parseConnectionAcceptanceMessage } from '../../events/schemas/queue-messages';
import type { ScopeDecision } from '../core/scope';
import { convergePendingConnections, type EndpointVpc } from '../converge/connections';
import { accountScopeCache } from '../converge/vpc';
import { withLambdaContext } from '../shared/middleware';
import { ownAccountId } from '../shared/own-account';
import type { Runtime } from '../shared/runtime';
import { processBatch, type RecordFailures } from '../shared/sqs-batch';

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
 */
export function connectionAcceptanceHandler(runtime: Runtime) {
  return withLambdaContext(async (event: SQSEvent, context) =>
    processBatch(
      event,
      context,
      (record) => parseConnectionAcceptanceMessage(record.body),
      async (records) => {
        const hubAccountId = ownAccountId(context);
        const trusted = records
          .map(({ scope }) => scope)
          .filter((scope): scope is TrustedHandOff => scope.kind === 'endpoint' && scope.senderAccountId === hubAccountId && scope.decided !== undefined);
        const { scopeOf, knownVpcs } = trustedFacts(runtime, trusted);
        // A Connect notification that names its endpoint asks about that one connection; one that names none (its
        // body is undocumented) or an untrusted hand-off makes the pass sweep every pending connection.
        const named = records.map(({ scope }) => (trusted.includes(scope as TrustedHandOff) || scope.kind === 'connections' ? scope.vpcEndpointId : undefined));
        const onlyNamed = named.every((id) => id !== undefined);
        const correlationId = [...new Set(records.map((r) => r.scope.eventId))].join(',').slice(0, 512);
        const { errors } = await convergePendingConnections(runtime, scopeOf, {
          dryRun: false,
          correlationId,
          knownVpcs,
          ...(onlyNamed ? { endpointIds: [...new Set(named)] } : {}),
        });
        const anyError = errors.values().next().value;
        const failures: RecordFailures = new Map();
        for (const { messageId, scope } of records) {
          // A record naming an endpoint fails only with that endpoint; a bare notification fails if anything did.
          const endpointId = scope.kind === 'endpoint' ? scope.vpcEndpointId : scope.vpcEndpointId;
          const error = endpointId === undefined ? anyError : errors.get(endpointId);
          if (error !== undefined) failures.set(messageId, error);
        }
        return failures;
      },
    ),
  );
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
