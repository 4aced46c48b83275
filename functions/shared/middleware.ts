import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import type { Context } from 'aws-lambda';
import { logger } from './logger';

/**
 * Wraps a handler with the Lambda context in every log line. `resetKeys` clears per-invocation keys (the
 * correlation id) so a warm container never stamps one event's id on the next.
 */
export function withLambdaContext<TEvent, TResult>(handler: (event: TEvent, context: Context) => Promise<TResult>) {
  return middy(handler).use(injectLambdaContext(logger, { resetKeys: true }));
}
