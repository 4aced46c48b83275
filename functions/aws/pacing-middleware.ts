import type { EC2Client } from '@aws-sdk/client-ec2';
import type { OrganizationsClient } from '@aws-sdk/client-organizations';
import type { STSClient } from '@aws-sdk/client-sts';
import type { FinalizeRequestMiddleware, MiddlewareStack } from '@smithy/types';
import { ORGANIZATIONS_BUCKET, PACED_COMMANDS, pacersFor, STS_BUCKET, TokenBucketPacer, type PacerClock, type PacerOptions } from '../core/pacing';

export const PACING_MIDDLEWARE_NAME = 'egressPacing';

/**
 * Waits for a token of `pacerOf(command)` before each attempt: after the retry middleware, so a retry is paced too.
 * Commands without a pacer go straight through.
 */
function addPacingMiddleware<Input extends object, Output extends object>(
  stack: MiddlewareStack<Input, Output>,
  pacerOf: (commandName: string) => TokenBucketPacer | undefined,
): void {
  const pace: FinalizeRequestMiddleware<Input, Output> = (next, context) => async (args) => {
    await pacerOf(context.commandName ?? '')?.take();
    return next(args);
  };
  stack.addRelativeTo(pace, { relation: 'after', toMiddleware: 'retryMiddleware', name: PACING_MIDDLEWARE_NAME, override: true });
}

/**
 * Paces the EC2 commands that have small buckets of their own (endpoint and connection calls). One set of pacers per
 * client: clients are per account and region, like EC2's buckets.
 */
export function addPacing(client: EC2Client, clock?: PacerClock, options?: PacerOptions): EC2Client {
  const pacers = pacersFor(clock, options);
  addPacingMiddleware(client.middlewareStack, (commandName) => {
    const bucket = PACED_COMMANDS[commandName];
    return bucket === undefined ? undefined : pacers[bucket];
  });
  return client;
}

/**
 * Paces every Organizations command through one bucket: Organizations throttles a caller's operations together
 * (ListAccountsForParent, ListOrganizationalUnitsForParent, DescribeAccount, ListParents...). One client per runtime,
 * and Organizations is global, so one pacer per client matches the one bucket per calling account.
 */
export function addOrganizationsPacing(client: OrganizationsClient, clock?: PacerClock): OrganizationsClient {
  const pacer = new TokenBucketPacer(ORGANIZATIONS_BUCKET, clock);
  addPacingMiddleware(client.middlewareStack, () => pacer);
  return client;
}

/**
 * Paces the hub's STS calls (AssumeRole into each spoke account, and into the Organizations read role) through one
 * bucket: STS throttles per calling account and region, and the runtime has one STS client.
 */
export function addStsPacing(client: STSClient, clock?: PacerClock): STSClient {
  const pacer = new TokenBucketPacer(STS_BUCKET, clock);
  addPacingMiddleware(client.middlewareStack, () => pacer);
  return client;
}
