import type { SQSEvent } from 'aws-lambda';
import type { VpcScope } from '../../events/schemas/scope';
import { parseVpcOnboardingMessage } from '../../events/schemas/queue-messages';
import { publishEndpointCreated, type EndpointCreatedDetail } from '../aws/hub-bus';
import { mapSettled, toError } from '../converge/bounded';
import { roundRobinByAccount } from '../converge/round-robin';
import { accountStandingCache, convergeVpc } from '../converge/vpc';
import { logger } from '../shared/logger';
import { withLambdaContext } from '../shared/middleware';
import type { Runtime } from '../shared/runtime';
import { failuresByKey, processBatch } from '../shared/sqs-batch';

/** VPCs converged at once; spoke-side pacing per account is left to the SDK's retries (and a later pacer). */
const VPC_CONCURRENCY = 4;

const vpcKey = (scope: Pick<VpcScope, 'accountId' | 'region' | 'vpcId'>) => `${scope.accountId}/${scope.region}/${scope.vpcId}`;

/**
 * Proxy tag changes on VPCs (spoke bus -> hub bus -> intake queue -> pipe -> FIFO queue grouped by account): converge
 * each named VPC once however many of its events the batch holds (level-triggered: one convergence after them all
 * answers every one), then hand off to acceptance.
 */
export function vpcOnboardingHandler(runtime: Runtime) {
  return withLambdaContext(async (event: SQSEvent, context) =>
    processBatch(
      event,
      context,
      (record) => parseVpcOnboardingMessage(record.body, { proxyTagKey: runtime.config.proxyTag.key, policyTagKey: runtime.config.policyTagKey }),
      async (records) => {
        const vpcs = new Map<string, VpcScope>();
        for (const { scope } of records) {
          if (scope.kind === 'ignored') logger.info('event ignored', { correlationId: scope.eventId, reason: scope.reason });
          // Duplicates in one batch converge once; the first event's id is the correlation id.
          else if (!vpcs.has(vpcKey(scope))) vpcs.set(vpcKey(scope), scope);
        }
        const standingOf = accountStandingCache(runtime);
        // Each account's first VPC starts before anyone's second: a batch mixing a busy member's VPCs with another
        // member's is not served busy member first (the queue's message groups keep batches mostly one account's).
        const targets = roundRobinByAccount([...vpcs.values()]);
        const outcomes = await mapSettled(targets, VPC_CONCURRENCY, (scope) =>
          convergeVpc(runtime, { ...scope, correlationId: scope.eventId }, standingOf, { dryRun: false }),
        );
        const errors = new Map<string, Error>();
        const handOffs: { key: string; detail: EndpointCreatedDetail }[] = [];
        outcomes.forEach((outcome, index) => {
          const key = vpcKey(targets[index] as VpcScope);
          if (outcome.status === 'rejected') errors.set(key, toError(outcome.reason));
          else if (outcome.value.awaitingAcceptance !== undefined) handOffs.push({ key, detail: outcome.value.awaitingAcceptance });
        });
        if (handOffs.length > 0) {
          try {
            await publishEndpointCreated(runtime.events, runtime.config.hubEventBusName, handOffs.map((h) => h.detail));
          } catch (error) {
            // Retrying the record re-publishes the hand-off; the endpoint itself is found again, not re-created.
            for (const { key } of handOffs) errors.set(key, toError(error));
          }
        }
        return failuresByKey(records, (scope) => (scope.kind === 'vpc' ? vpcKey(scope) : undefined), errors);
      },
    ),
  );
}
