/** A Lambda `Context` as the Node.js runtime builds it, for handlers invoked in process. */
import { randomBytes, randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';

export interface FunctionIdentity {
  functionName: string;
  accountId: string;
  region: string;
  timeoutSeconds: number;
  memoryMb?: number;
}

export function createLambdaContext(fn: FunctionIdentity, now: () => number = Date.now): Context {
  const deadline = now() + fn.timeoutSeconds * 1000;
  const day = new Date(now()).toISOString().slice(0, 10).replace(/-/g, '/');
  const unsupported = () => {
    throw new Error('callback-style completion (done/fail/succeed) is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: fn.functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${fn.region}:${fn.accountId}:function:${fn.functionName}`,
    memoryLimitInMB: String(fn.memoryMb ?? 256),
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${fn.functionName}`,
    logStreamName: `${day}/[$LATEST]${randomBytes(16).toString('hex')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}
