import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './logger';

/**
 * Middy's early timeout is off. It throws a TimeoutError a few ms before Lambda's timeout, for onError middlewares we
 * do not have (Lambda reports a timeout itself: "Task timed out", the Errors metric, the failed batch returning to
 * its queue). Its timer is a wall-clock setTimeout of `getRemainingTimeInMillis()`, and the local runner's functions
 * count remaining time on the emulated clock: at time scale 0.25 it aborted acceptance after 30 of its 120 s.
 */
const MIDDY_OPTIONS = { timeoutEarlyInMillis: 0 };

/**
 * Wraps a handler with the Lambda context in every log line. `resetKeys` clears per-invocation keys (the
 * correlation id) so a warm container never stamps one event's id on the next.
 */
export function withLambdaContext<TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy(handler, MIDDY_OPTIONS).use(injectLambdaContext(logger, { resetKeys: true }));
}
