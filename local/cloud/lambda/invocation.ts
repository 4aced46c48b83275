/**
 * Runs a registered function the way the Node.js Lambda runtime does: a Lambda context, the result serialized as
 * JSON, a thrown error turned into `{errorType, errorMessage, trace}` with X-Amz-Function-Error, and Lambda's own
 * failures (timeout, response too large) reported in the same shape.
 */
import { createLambdaContext } from '../../bus/lambda-context';
import type { ScaledClock } from '../core/clock';
import type { RegisteredFunction } from './registry';

/** Invoke's limits on the request payload (RequestResponse 6 MB, Event 1 MB) and on a synchronous response. */
export const PAYLOAD_LIMITS = { requestResponse: 6 * 1024 * 1024, event: 1024 * 1024 } as const;
/** The figure Lambda's ResponseSizeTooLarge message quotes (6 MB plus a small envelope). */
export const RESPONSE_LIMIT_BYTES = 6_291_556;

export interface InvocationOutcome {
  /** The JSON the function returned, or the error document. */
  readonly payload: string;
  /** Set when the invocation failed; Lambda reports "Unhandled" for errors thrown by a Node.js handler. */
  readonly functionError?: 'Unhandled';
}

export async function runFunction(fn: RegisteredFunction, event: unknown, requestId: string, clock: ScaledClock): Promise<InvocationOutcome> {
  const context = {
    ...createLambdaContext({ functionName: fn.name, accountId: fn.accountId, region: fn.region, timeoutSeconds: fn.timeoutSeconds }, () => clock.now()),
    awsRequestId: requestId,
  };
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    // Emulated seconds, like every other delay of the local cloud. The handler cannot be killed in process: it
    // runs on, but its caller gets Lambda's timeout answer, as it would from AWS.
    timer = setTimeout(() => resolve('timeout'), (fn.timeoutSeconds * 1000) / clock.timeScale);
    timer.unref();
  });
  try {
    // Through a promise chain, so a handler that throws before returning its promise fails like one that rejects.
    const ran = Promise.resolve().then(() => fn.handler(event, context)).then((value) => ({ value }));
    const result = await Promise.race([ran, timedOut]);
    if (result === 'timeout') {
      return failure('Sandbox.Timedout', `RequestId: ${requestId} Error: Task timed out after ${fn.timeoutSeconds.toFixed(2)} seconds`);
    }
    const payload = JSON.stringify(result.value) ?? 'null';
    if (Buffer.byteLength(payload) > RESPONSE_LIMIT_BYTES) {
      return failure('Function.ResponseSizeTooLarge', `Response payload size exceeded maximum allowed payload size (${RESPONSE_LIMIT_BYTES} bytes).`);
    }
    return { payload };
  } catch (error) {
    return error instanceof Error ? failure(error.name, error.message, (error.stack ?? '').split('\n')) : failure('Error', String(error));
  } finally {
    clearTimeout(timer);
  }
}

function failure(errorType: string, errorMessage: string, trace: string[] = []): InvocationOutcome {
  return { payload: JSON.stringify({ errorType, errorMessage, trace }), functionError: 'Unhandled' };
}
