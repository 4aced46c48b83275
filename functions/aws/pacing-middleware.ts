import type { EC2Client, ServiceInputTypes, ServiceOutputTypes } from '@aws-sdk/client-ec2';
import type { FinalizeRequestMiddleware } from '@smithy/types';
import { PACED_COMMANDS, pacersFor, type PacerClock } from '../core/pacing';

export const PACING_MIDDLEWARE_NAME = 'egressPacing';

/**
 * Waits for a token of the command's EC2 bucket before each attempt (after the retry middleware, so a retry is paced
 * too). One set of pacers per client: clients are per account and region, like EC2's buckets.
 */
export function addPacing(client: EC2Client, clock?: PacerClock): EC2Client {
  const pacers = pacersFor(clock);
  const pace: FinalizeRequestMiddleware<ServiceInputTypes, ServiceOutputTypes> = (next, context) => async (args) => {
    const bucket = PACED_COMMANDS[context.commandName ?? ''];
    if (bucket !== undefined) await pacers[bucket].take();
    return next(args);
  };
  client.middlewareStack.addRelativeTo(
    pace,
    { relation: 'after', toMiddleware: 'retryMiddleware', name: PACING_MIDDLEWARE_NAME, override: true },
  );
  return client;
}
